/*! Dialoge chat widget loader. Reads its own data-* attributes, mounts the
 * WebAssembly app in an open shadow root and installs window.Dialoge.
 * Kept tiny and dependency-free: it runs on every page of a shop. */
(function (w, d) {
  "use strict";
  var me = d.currentScript;
  var prev = w.Dialoge;
  // Safe to include twice: the second copy is a no-op.
  if (!me || (prev && prev.loaded)) return;

  var base = new URL(".", me.src).href;
  var queue = (prev && prev.q) || [];
  var app = null; // the wasm handle once mounted
  var host = null;
  var opts = {};
  var subs = [];

  // data-chatbot-id → chatbotId; every attribute is passed through as a string.
  var ds = me.dataset;
  for (var k in ds) opts[k] = ds[k];

  function Dialoge(cmd) {
    var args = [].slice.call(arguments, 1);
    if (cmd === "on" || cmd === "off") return sub(cmd, args[0], args[1]);
    if (cmd === "boot") {
      var o = args[0] || {};
      for (var k in o) opts[k] = o[k];
      return start();
    }
    if (!app) return queue.push(arguments);
    if (cmd === "destroy") return destroy();
    return app.command(String(cmd), args[0]);
  }

  // Events are window CustomEvents named dialoge:<event>; on/off wrap them so a
  // callback receives the detail, and off finds the same wrapper again.
  function sub(cmd, ev, cb) {
    if (typeof cb !== "function") return;
    var name = "dialoge:" + ev;
    if (cmd === "on") {
      var fn = function (e) { cb(e.detail); };
      subs.push([name, cb, fn]);
      w.addEventListener(name, fn);
    } else {
      subs = subs.filter(function (s) {
        if (s[0] === name && s[1] === cb) { w.removeEventListener(name, s[2]); return false; }
        return true;
      });
    }
  }

  // Phones: while the open panel covers a narrow screen (the stylesheet's breakpoint) it
  // follows the visual viewport, which the on-screen keyboard shrinks (the window does not),
  // and the page behind it holds still. The host's custom properties reach the shadow root by
  // inheritance. Here, not in the wasm: these few lines cost 1.4 KB there.
  var vv = w.visualViewport;
  var open = false;
  var locked = false;
  function fit() {
    var s = host && host.style;
    var b = d.body.style;
    if (s && open && vv && w.matchMedia("(max-width: 480px)").matches) {
      s.setProperty("--dlg-vv-top", vv.offsetTop + "px");
      s.setProperty("--dlg-vv-height", vv.height + "px");
      if (!locked && b.overflow !== "hidden") { b.overflow = "hidden"; locked = true; }
    } else {
      if (s) { s.removeProperty("--dlg-vv-top"); s.removeProperty("--dlg-vv-height"); }
      if (locked) { b.removeProperty("overflow"); locked = false; }
    }
  }
  function onOpen(e) { open = e.type === "dialoge:open"; fit(); }
  w.addEventListener("dialoge:open", onOpen);
  w.addEventListener("dialoge:close", onOpen);
  if (vv) { vv.addEventListener("resize", fit); vv.addEventListener("scroll", fit); }

  function destroy() {
    if (app) app.command("destroy");
    app = null;
    if (host) host.remove();
    host = null;
    subs.forEach(function (s) { w.removeEventListener(s[0], s[2]); });
    subs = [];
    open = false;
    fit();
    w.removeEventListener("dialoge:open", onOpen);
    w.removeEventListener("dialoge:close", onOpen);
    if (vv) { vv.removeEventListener("resize", fit); vv.removeEventListener("scroll", fit); }
    delete w.Dialoge;
  }

  var loading = null;
  var gen = 0; // only the latest start() mounts, however many boot calls raced
  function start() {
    // A site that boots through JS may leave data-chatbot-id off the tag (an OpenDialog
    // scenario names itself with data-scenario-id; a branding preview needs no chatbot).
    if (!opts.chatbotId && !opts.scenarioId && !("preview" in opts)) return;
    var my = ++gen;
    if (!host) {
      host = d.createElement("div");
      host.setAttribute("data-dialoge", "");
      var root = host.attachShadow({ mode: "open" });
      var css = d.createElement("link");
      css.rel = "stylesheet";
      css.href = base + "dialoge.css";
      var mount = d.createElement("div");
      // Hidden until the stylesheet arrives, so nothing unstyled ever flashes.
      mount.hidden = true;
      css.onload = css.onerror = function () { mount.hidden = false; };
      root.append(css, mount);
      host.mount = mount;
      (d.body || d.documentElement).appendChild(host);
    }
    loading = loading || import(base + "dialoge-widget.js").then(function (m) {
      return m.default({ module_or_path: base + "dialoge-widget_bg.wasm" }).then(function () { return m; });
    });
    loading.then(function (m) {
      if (!host || my !== gen) return;
      if (app) app.command("destroy");
      app = m.mount(host.mount, opts);
      var q = queue;
      queue = [];
      q.forEach(function (a) { Dialoge.apply(null, a); });
    }).catch(function (e) {
      console.error("[dialoge] failed to start", e);
    });
  }

  ["open", "close", "toggle", "show", "hide", "send", "setContext", "reset", "destroy", "on", "off", "boot", "preview", "previewScene"]
    .forEach(function (n) { Dialoge[n] = function () { return Dialoge.apply(null, [n].concat([].slice.call(arguments))); }; });
  Dialoge.loaded = true;
  w.Dialoge = Dialoge;

  // Subscriptions and boot calls queued by the stub run now; the rest wait for the app.
  var early = queue;
  queue = [];
  early.forEach(function (a) { Dialoge.apply(null, a); });
  start();
})(window, document);
