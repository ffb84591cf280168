/* Offline search, keyboard shortcuts, the colour toggle and the phone menu.
 *
 * The index (search-index.js, written by handbook at build time) is loaded as a script, so it
 * works from file:// as well as over HTTP; the pages' text (search-text.js), used for snippets,
 * is loaded only when results are shown. Tokens are made as the generator makes them (search.h):
 * lower case, Latin diacritics folded, single letters dropped, CJK text as character bigrams.
 * Every page keeps working without this script: the search box then opens search.html, which
 * says that search needs JavaScript. */
(function () {
  "use strict";
  var script = document.currentScript;
  var root = (script && script.getAttribute("data-root")) || "";
  var FOLD = ("a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th ss " +
    "a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th y " +
    "a a a a a a c c c c c c c c d d d d e e e e e e e e e e g g g g " +
    "g g g g h h h h i i i i i i i i i i ij ij j j k k k l l l l l l l " +
    "l l l n n n n n n n n n o o o o o o oe oe r r r r r r s s s s s s " +
    "s s t t t t t t u u u u u u u u u u u u w w y y y z z z z z z s").split(" ");

  function isCJK(c) {
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
      (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
      (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
      (c >= 0xAC00 && c <= 0xD7AF);
  }
  /* The folded spelling of one character inside a word, or null when it ends words. */
  function fold(ch) {
    var c = ch.codePointAt(0);
    if (c >= 0xFF10 && c <= 0xFF5A) { c -= 0xFEE0; ch = String.fromCharCode(c); }
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 122)) return ch;
    if (c >= 65 && c <= 90) return ch.toLowerCase();
    if (c >= 0xC0 && c <= 0x17F) return FOLD[c - 0xC0] === "_" ? null : FOLD[c - 0xC0];
    if (c >= 0x370 && c <= 0x4FF) return ch;
    return null;
  }
  function tokens(text) {
    var out = [], word = "", run = [];
    function endWord() { if (word.length > 1) out.push(word); word = ""; }
    function endRun() {
      if (run.length === 1) out.push(run[0]);
      for (var i = 0; i + 1 < run.length; i++) out.push(run[i] + run[i + 1]);
      run = [];
    }
    for (var ch of text) {
      if (isCJK(ch.codePointAt(0))) { endWord(); run.push(ch); continue; }
      if (run.length) endRun();
      var f = fold(ch);
      if (f === null) endWord(); else word += f;
    }
    endRun();
    endWord();
    return out;
  }

  /* ------------------------------------------------------------------ the index */
  var index = null, postings = {}, textWanted = [];
  function load(file, ready) {
    var s = document.createElement("script");
    s.src = root + file;
    s.onload = ready;
    s.onerror = function () { s.setAttribute("data-failed", ""); };
    document.head.appendChild(s);
  }
  function withIndex(fn) {
    if (window.HANDBOOK_SEARCH) { index = window.HANDBOOK_SEARCH; fn(); return; }
    load("search-index.js", function () { index = window.HANDBOOK_SEARCH; fn(); });
  }
  function withText(fn) {
    if (window.HANDBOOK_SEARCH_TEXT) { fn(); return; }
    textWanted.push(fn);
    if (textWanted.length === 1) {
      load("search-text.js", function () { textWanted.forEach(function (f) { f(); }); textWanted = []; });
    }
  }
  function postingsOf(t) {
    if (postings[t]) return postings[t];
    var list = [], doc = 0, parts = index.postings[t].split(" ");
    for (var i = 0; i < parts.length; i++) {
      var p = parts[i].split(".");
      doc += parseInt(p[0], 36);
      list.push([doc, parseInt(p[1], 36)]);
    }
    return (postings[t] = list);
  }
  /* Index of the first term >= token (terms are sorted by code unit, as the generator sorts
   * bytes: the same order for these strings). */
  function lowerBound(token) {
    var lo = 0, hi = index.terms.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (index.terms[mid] < token) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  /* Documents matching every token (a token matches a term that starts with it; whole words
   * count double), best first: title and heading matches weigh more than text. */
  function search(query) {
    var qt = tokens(query), total = null;
    if (qt.length === 0) return { tokens: qt, results: [] };
    qt.forEach(function (tok) {
      var scores = {};
      for (var i = lowerBound(tok); i < index.terms.length && index.terms[i].startsWith(tok); i++) {
        var exact = index.terms[i] === tok;
        postingsOf(i).forEach(function (p) {
          var s = p[1] * (exact ? 2 : 1);
          if (!(p[0] in scores) || scores[p[0]] < s) scores[p[0]] = s;
        });
      }
      if (total === null) { total = scores; return; }
      var next = {};
      for (var d in total) if (d in scores) next[d] = total[d] + scores[d];
      total = next;
    });
    var results = Object.keys(total).map(Number);
    results.sort(function (a, b) { return total[b] - total[a] || a - b; });
    return { tokens: qt, results: results };
  }

  /* ------------------------------------------------------------------ snippets */
  /* text folded character by character, with where each folded character came from */
  function foldedWithMap(text) {
    var folded = "", map = [], i = 0;
    for (var ch of text) {
      var f = isCJK(ch.codePointAt(0)) ? ch : (fold(ch) || " ");
      for (var k = 0; k < f.length; k++) { folded += f[k]; map.push(i); }
      i += ch.length;
    }
    map.push(i);
    return { folded: folded, map: map };
  }
  /* Appends text to el with the query's tokens marked. */
  function appendMarked(el, text, qt) {
    var fm = foldedWithMap(text), marks = [];
    qt.forEach(function (t) {
      var at = 0;
      while ((at = fm.folded.indexOf(t, at)) >= 0) { marks.push([fm.map[at], fm.map[at + t.length]]); at += t.length; }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      el.appendChild(document.createTextNode(text.slice(pos, m[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(m[0], m[1]);
      el.appendChild(mark);
      pos = m[1];
    });
    el.appendChild(document.createTextNode(text.slice(pos)));
  }
  /* About 160 characters of text around its first match, or its start. */
  function excerpt(text, qt) {
    var fm = foldedWithMap(text), first = -1;
    qt.forEach(function (t) {
      var at = fm.folded.indexOf(t);
      if (at >= 0 && (first < 0 || fm.map[at] < first)) first = fm.map[at];
    });
    if (first < 0) return text.length > 160 ? text.slice(0, 160) + "…" : text;
    var start = Math.max(0, first - 60), end = Math.min(text.length, start + 160);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }
  function snippetOf(doc, qt) {
    var texts = window.HANDBOOK_SEARCH_TEXT;
    return excerpt(texts ? texts[doc] : index.docs[doc][3], qt);
  }

  /* ------------------------------------------------------------------ showing results */
  function resultItem(doc, qt, id) {
    var d = index.docs[doc], li = document.createElement("li"), a = document.createElement("a");
    li.id = id;
    a.href = root + d[1];
    appendMarked(a, d[0], qt);
    li.appendChild(a);
    if (d[2]) {
      var sec = document.createElement("span");
      sec.className = "result-section";
      sec.textContent = d[2];
      li.appendChild(sec);
    }
    var p = document.createElement("p");
    p.className = "result-snippet";
    appendMarked(p, snippetOf(doc, qt), qt);
    li.appendChild(p);
    return li;
  }
  function fill(list, status, query, max) {
    var r = search(query);
    list.textContent = "";
    r.results.slice(0, max).forEach(function (doc, i) {
      list.appendChild(resultItem(doc, r.tokens, list.id + "-" + i));
    });
    if (status) {
      status.textContent = query.trim() === "" ? "" : r.results.length === 0 ?
        "No results for “" + query + "”." : r.results.length + (r.results.length === 1 ?
        " result" : " results") + " for “" + query + "”.";
    }
    if (r.results.length && !window.HANDBOOK_SEARCH_TEXT) {
      withText(function () { fill(list, status, query, max); });
    }
    return r.results.length;
  }

  /* The search box in the header: results as you type; arrow keys move through them (focus
   * goes to the links themselves), Escape goes back to the box and closes the list. */
  function attachBox(form) {
    var input = form.querySelector("input[type=search]");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    list.id = "search-suggestions";
    list.className = "search-suggestions";
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    var timer = null;
    function close() { list.hidden = true; }
    function update() {
      withIndex(function () { list.hidden = fill(list, status, input.value, 8) === 0; });
    }
    function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 80);
    });
    input.addEventListener("focus", function () { withIndex(function () {}); });
    form.addEventListener("keydown", function (e) {
      var all = links(), at = all.indexOf(document.activeElement);
      if (e.key === "Escape") { close(); input.focus(); return; }
      if ((e.key !== "ArrowDown" && e.key !== "ArrowUp") || list.hidden || all.length === 0) return;
      e.preventDefault();
      if (e.key === "ArrowDown") all[Math.min(at + 1, all.length - 1)].focus();
      else if (at <= 0) input.focus();
      else all[at - 1].focus();
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) close();
    });
  }

  /* search.html: the results of ?q=WORDS. */
  function attachPage(page) {
    var q = new URLSearchParams(window.location.search).get("q") || "";
    var input = page.querySelector("input[type=search]");
    var list = page.querySelector("#search-results");
    var status = page.querySelector("#search-status");
    var note = page.querySelector(".needs-js");
    if (note) note.hidden = true;
    input.value = q;
    withIndex(function () { fill(list, status, q, 100); });
    input.addEventListener("input", function () {
      withIndex(function () { fill(list, status, input.value, 100); });
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      if (url.protocol !== "file:") history.replaceState(null, "", url);
    });
  }

  /* ------------------------------------------------------------------ keys, colours, menu */
  function typing(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  document.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || typing(e)) return;
    if (e.key === "/") {
      var box = document.querySelector(".site-search input[type=search]");
      if (box) { e.preventDefault(); box.focus(); }
    } else if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      var link = document.querySelector(e.key === "ArrowLeft" ? "a[rel=prev]" : "a[rel=next]");
      if (link) window.location.href = link.href;
    }
  });

  function attachToggle(button) {
    button.hidden = false;
    function current() {
      var set = document.documentElement.getAttribute("data-theme");
      if (set) return set;
      return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
    }
    function show() {
      var dark = current() === "dark";
      button.setAttribute("aria-pressed", dark ? "true" : "false");
      button.textContent = dark ? "Light" : "Dark";
      button.setAttribute("aria-label", dark ? "Use light colours" : "Use dark colours");
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", next);
      try { localStorage.setItem("handbook-theme", next); } catch (e) { /* private mode */ }
      show();
    });
    show();
  }

  function attachMenu(button, nav) {
    var jump = document.querySelector(".to-nav");
    button.hidden = false;
    if (jump) jump.hidden = true;	/* the menu replaces the jump to the navigation */
    button.addEventListener("click", function () {
      var open = document.body.classList.toggle("nav-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) { var a = nav.querySelector("a"); if (a) a.focus(); }
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && document.body.classList.contains("nav-open")) {
        document.body.classList.remove("nav-open");
        button.setAttribute("aria-expanded", "false");
        button.focus();
      }
    });
  }

  var form = document.querySelector(".site-search");
  if (form) attachBox(form);
  var page = document.querySelector(".search-page");
  if (page) attachPage(page);
  var toggle = document.getElementById("theme-toggle");
  if (toggle) attachToggle(toggle);
  var menu = document.getElementById("menu-button"), nav = document.getElementById("site-nav");
  if (menu && nav) attachMenu(menu, nav);
})();
