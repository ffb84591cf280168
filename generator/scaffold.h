/*
 * scaffold: `handbook new TYPE "Title"`: a new page from the theme's archetype.
 *
 * The page goes to <content>/<section>/<slug>.md, where the section is the type's plural
 * (meeting -> meetings, person -> people, ...) and the slug is the title in lower case with
 * runs of other characters turned into '-'. The archetype is <theme>/archetypes/<type>.md, else
 * <theme>/archetypes/default.md; in it, {{title}} becomes the title as a quoted YAML string and
 * {{type}} the type. An existing file is never overwritten. Returns 0 and sets *path_out (caller
 * frees), or -1 with err set.
 */
#ifndef HB_SCAFFOLD_H
#define HB_SCAFFOLD_H

#include "diag.h"

int hb_scaffold_new(char **path_out, const char *content_dir, const char *theme_dir,
    const char *type, const char *title, struct hb_err *err);

#endif
