/* The reader's colour choice, applied before the page is drawn (no flash of the other one). */
try {
  var t = localStorage.getItem("handbook-theme");
  if (t === "dark" || t === "light") document.documentElement.setAttribute("data-theme", t);
} catch (e) { /* storage unavailable: follow the system */ }
