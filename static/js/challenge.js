// The proof-of-work challenge (common.challenge): register the worker of its algorithm with the ALTCHA widget, then
// start the verification (the widget has no `auto` attribute: it must not start before the worker is registered).
// Without JavaScript the page offers the wait-and-continue path instead.
const widget = document.querySelector("altcha-widget");
if (widget && globalThis.$altcha) {
  const workerUrl = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
  const note = document.getElementById("challenge-wait");
  if (note) note.hidden = true;
  customElements.whenDefined("altcha-widget").then(() => widget.verify());
}
