// The call's timer: counts on from the server's elapsed seconds at page load (without JavaScript the page shows
// the start time and the elapsed time when it was rendered).
(function () {
  var timer = document.querySelector("[data-call-timer]");
  if (!timer) return;
  var base = parseInt(timer.getAttribute("data-elapsed"), 10) || 0;
  var loaded = Date.now();
  function show() {
    var seconds = base + Math.floor((Date.now() - loaded) / 1000);
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    timer.textContent = minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  show();
  setInterval(show, 1000);
})();
