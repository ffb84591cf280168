/* The reference: input.md rendered by cmark-gfm alone, as GitHub does, in safe mode. */
#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <stdio.h>
#include <stdlib.h>
int main(void){ static char buf[1<<16]; size_t n=fread(buf,1,sizeof buf,stdin);
 cmark_gfm_core_extensions_ensure_registered();
 const char *names[]={"table","strikethrough","autolink","tagfilter","tasklist",0};
 cmark_parser *p=cmark_parser_new(CMARK_OPT_DEFAULT|CMARK_OPT_FOOTNOTES);
 for(int i=0;names[i];i++) cmark_parser_attach_syntax_extension(p,cmark_find_syntax_extension(names[i]));
 cmark_parser_feed(p,buf,n); cmark_node *d=cmark_parser_finish(p);
 fputs(cmark_render_html(d,CMARK_OPT_DEFAULT,cmark_parser_get_syntax_extensions(p)),stdout); return 0;}
