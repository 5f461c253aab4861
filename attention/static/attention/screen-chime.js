// Waiting-room screen: a short two-note chime when a new ticket is called (the text itself is announced by the
// ARIA live region). Silent where the browser does not allow sound without a gesture.
(function () {
  var last = null;
  function newest() {
    var line = document.querySelector(".screen-newest-line[data-called]");
    return line ? line.textContent + "|" + line.getAttribute("data-called") : null;  // a recall chimes too
  }
  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var audio = new Context();
      [[660, 0], [880, 0.25]].forEach(function (note) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.frequency.value = note[0];
        gain.gain.setValueAtTime(0.2, audio.currentTime + note[1]);
        gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + note[1] + 0.4);
        oscillator.connect(gain).connect(audio.destination);
        oscillator.start(audio.currentTime + note[1]);
        oscillator.stop(audio.currentTime + note[1] + 0.4);
      });
    } catch (error) {
      /* no sound: the screen still shows and announces the call */
    }
  }
  document.addEventListener("DOMContentLoaded", function () { last = newest(); });
  document.addEventListener("htmx:afterSettle", function () {
    var now = newest();
    if (now && now !== last) chime();
    last = now;
  });
})();
