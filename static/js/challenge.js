// The proof-of-work challenge (common.challenge): register the worker of its algorithm and the Spanish texts with
// the ALTCHA widget, which then solves the challenge in the background. Without JavaScript the page offers the
// wait-and-continue path instead.
const widget = document.querySelector("altcha-widget");
if (widget && globalThis.$altcha) {
  const workerUrl = widget.dataset.worker;
  globalThis.$altcha.algorithms.set("PBKDF2/SHA-256", () => new Worker(workerUrl));
  const note = document.getElementById("challenge-wait");
  if (note) note.hidden = true;
}
