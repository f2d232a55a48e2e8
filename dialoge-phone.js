// Phones: while the open panel covers a narrow screen (the stylesheet's breakpoint) it follows
// the visual viewport, which the on-screen keyboard shrinks (the window does not), and the page
// behind it holds still. The host's custom properties reach the shadow root by inheritance.
// Plain JS, not wasm (these lines cost 1.4 KB there); fetched with the app, not with the loader
// (which every page view of a shop pays for). `fitPhone(host)` starts it; the returned function
// stops it and gives the page its scrolling back.
export default function fitPhone(host) {
  var w = window, d = document, vv = w.visualViewport, open = false, locked = false;
  function fit() {
    var s = host.style, b = d.body.style;
    if (open && vv && w.matchMedia("(max-width: 480px)").matches) {
      s.setProperty("--dlg-vv-top", vv.offsetTop + "px");
      s.setProperty("--dlg-vv-height", vv.height + "px");
      if (!locked && b.overflow !== "hidden") { b.overflow = "hidden"; locked = true; }
    } else {
      s.removeProperty("--dlg-vv-top");
      s.removeProperty("--dlg-vv-height");
      if (locked) { b.removeProperty("overflow"); locked = false; }
    }
  }
  function onOpen(e) { open = e.type === "dialoge:open"; fit(); }
  w.addEventListener("dialoge:open", onOpen);
  w.addEventListener("dialoge:close", onOpen);
  if (vv) { vv.addEventListener("resize", fit); vv.addEventListener("scroll", fit); }
  return function () {
    open = false;
    fit();
    w.removeEventListener("dialoge:open", onOpen);
    w.removeEventListener("dialoge:close", onOpen);
    if (vv) { vv.removeEventListener("resize", fit); vv.removeEventListener("scroll", fit); }
  };
}
