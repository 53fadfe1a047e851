// The space-time diagram: one horizontal line per daemon on the timeline's
// time axis, one arrow per message (sim/scenario/arrows.py). Dropped and lost
// messages end in a cross. Filter by kind and by daemon, zoom on a window
// (from/to, in seconds); hover an arrow for the message. No libraries.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("data").textContent);
  var NS = "http://www.w3.org/2000/svg";
  var box = document.getElementById("diagram");
  var tip = document.getElementById("tip");
  var A = (D.diagram && D.diagram.arrows) || [];
  var LEFT = 120, RIGHT = 24, TOP = 26, ROW = 34;
  var W = Math.max(960, (box.clientWidth || 1200) - 2);
  var KINDS = ["beacon", "map", "election", "paxos", "command", "module command", "reply",
    "session", "report", "log", "other"];
  var names = [];
  D.lanes.forEach(function (L) { if (L.name !== "scenario") { names.push(L.name); } });
  A.forEach(function (a) {
    [a.from, a.to].forEach(function (n) { if (names.indexOf(n) < 0) { names.push(n); } });
  });
  var hiddenKinds = {}, hiddenDaemons = {};
  var win = [0, Math.max(D.duration || 0, 0.001)];
  var HOOKS = [];  // called after every redraw (the player puts its cursor back)

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(e); }
    return e;
  }
  function x(t) { return LEFT + (W - LEFT - RIGHT) * (t - win[0]) / Math.max(win[1] - win[0], 1e-6); }
  function y(n) { return TOP + names.indexOf(n) * ROW + ROW / 2; }
  function cls(kind) { return "k-" + kind.replace(/ /g, "-"); }

  function describe(a) {
    var s = a.type + " " + a.from + " → " + a.to + " (" + a.kind + ")";
    if (a.tid) { s += " tid " + a.tid; }
    if (a.epoch) { s += " epoch " + a.epoch; }
    s += ", " + a.size + " bytes; sent " + a.t0.toFixed(3) + "s";
    if (a.fate === "delivered" && a.t1 !== a.t0) { s += ", received " + a.t1.toFixed(3) + "s"; }
    if (a.fate !== "delivered") { s += "; " + a.fate + (a.reason ? " (" + a.reason + ")" : ""); }
    return s;
  }

  function draw() {
    var old = box.querySelector("svg");
    if (old) { box.removeChild(old); }
    var height = TOP + names.length * ROW + 8;
    var svg = el("svg", { width: W, height: height, viewBox: "0 0 " + W + " " + height, role: "img" });
    el("title", {}, svg).textContent = D.name + ": messages between daemons";
    names.forEach(function (n) {
      if (hiddenDaemons[n]) { return; }
      el("line", { x1: LEFT, x2: W - RIGHT, y1: y(n), y2: y(n), "class": "dline" }, svg);
      el("text", { x: 6, y: y(n) + 4, "class": "dname" }, svg).textContent = n;
    });
    var g = el("g", { "class": "arrows" }, svg), drawn = 0;
    A.forEach(function (a, i) {
      if (hiddenKinds[a.kind] || hiddenDaemons[a.from] || hiddenDaemons[a.to]) { return; }
      if (a.t1 < win[0] || a.t0 > win[1]) { return; }
      var x0 = x(a.t0), y0 = y(a.from), y1 = y(a.to);
      var x1 = a.fate === "delivered" ? Math.max(x(a.t1), x0 + 1) : x0 + 12;
      var y2 = a.fate === "delivered" ? y1 : y0 + (y1 - y0) * 0.4;
      var line = el("line", { x1: x0, y1: y0, x2: x1, y2: y2, "class": "arrow " + cls(a.kind) + " f-" + a.fate,
        "data-arrow": i }, g);
      line.addEventListener("mousemove", function (evt) {
        tip.textContent = describe(a);
        tip.hidden = false;
        tip.style.left = Math.min(evt.clientX + 12, window.innerWidth - 540) + "px";
        tip.style.top = (evt.clientY + 14) + "px";
      });
      line.addEventListener("mouseleave", function () { tip.hidden = true; });
      if (a.fate !== "delivered") {
        el("path", { d: "M" + (x1 - 4) + " " + (y2 - 4) + "l8 8m0 -8l-8 8", "class": "cross" }, g);
      }
      drawn++;
    });
    box.appendChild(svg);
    document.documentElement.setAttribute("data-arrows", String(drawn));
    HOOKS.forEach(function (f) { f(svg); });
  }

  function checkbox(parent, text, className, onChange) {
    var label = document.createElement("label");
    var input = document.createElement("input");
    input.type = "checkbox";
    input.checked = true;
    input.addEventListener("change", function () { onChange(!input.checked); draw(); });
    label.appendChild(input);
    if (className) {
      var sw = document.createElement("span");
      sw.className = "sw " + className;
      label.appendChild(sw);
    }
    label.appendChild(document.createTextNode(" " + text));
    parent.appendChild(label);
  }

  function controls() {
    var kinds = document.getElementById("diagram-kinds");
    KINDS.forEach(function (k) {
      if (!A.some(function (a) { return a.kind === k; })) { return; }
      checkbox(kinds, k, cls(k), function (off) { hiddenKinds[k] = off; });
    });
    var daemons = document.getElementById("diagram-daemons");
    names.forEach(function (n) { checkbox(daemons, n, "", function (off) { hiddenDaemons[n] = off; }); });
    var from = document.getElementById("diagram-from"), to = document.getElementById("diagram-to");
    from.value = win[0].toFixed(1);
    to.value = win[1].toFixed(1);
    function zoom() {
      var a = parseFloat(from.value), b = parseFloat(to.value);
      if (isFinite(a) && isFinite(b) && b > a) { win = [a, b]; draw(); }
    }
    from.addEventListener("change", zoom);
    to.addEventListener("change", zoom);
  }

  // the step-through player (player.js) follows the same arrows and time axis
  window.SimReport = window.SimReport || {};
  window.SimReport.diagram = {
    arrows: A, describe: describe, onDraw: HOOKS, top: TOP, x: function (t) { return x(t); },
    svg: function () { return box.querySelector("svg"); },
    visible: function (a) { return !(hiddenKinds[a.kind] || hiddenDaemons[a.from] || hiddenDaemons[a.to]); },
    inWindow: function (t) { return t >= win[0] && t <= win[1]; }
  };
  controls();
  draw();
  var note = document.getElementById("diagram-note");
  note.textContent = A.length + " messages" + (D.diagram && D.diagram.left_out ? " (" + D.diagram.left_out + " more not drawn)" : "") +
    (A.length ? "" : ": none recorded (the cluster did not record messages)");
})();
