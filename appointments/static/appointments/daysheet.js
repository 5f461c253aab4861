// Day sheet (admin): the Print button prints the page (a static file: no inline handler under the CSP).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll(".daysheet-print")) {
    button.addEventListener("click", () => window.print());
  }
});
