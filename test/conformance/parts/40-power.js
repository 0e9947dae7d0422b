/* Conformance part 40: the bank manager and its policies (full bundle only).
   Plain ES5. Calls to the debug add-on's members are under `if (DEBUG)`. */
(function () {
  if (typeof rk.BankManager !== "function") return; // a per-feature bundle: not in it
  var B = 0x20000000,
    S = 1024;
  var EBUSY = rk.EBUSY,
    EINVAL = rk.EINVAL,
    EFAULT = rk.EFAULT,
    ENOENT = rk.ENOENT;

  // four gateable 1 KiB sections and one that cannot be gated, over one Memory port
  function power() {
    var specs = [],
      i;
    for (i = 0; i < 4; i++) specs.push({ name: "S" + i, base: B + i * S, size: S, gateable: true });
    specs.push({ name: "FIXED", base: B + 4 * S, size: S, gateable: false });
    return new rk.StatePower(specs);
  }
  function states(p) {
    var s = "",
      i;
    for (i = 0; i < p.sectionCount(); i++) s += p.getPower(i) === "on" ? "1" : "0";
    return s;
  }

  section("power: policies by name");
  eq(
    "names",
    [rk.policy("all-on").name, rk.policy("heap-top").name, rk.policy("gate-empty").name, rk.policy("pack+gate").name],
    ["all-on", "heap-top", "gate-empty", "pack+gate"]
  );
  check(
    "place and decide are functions",
    typeof rk.policy("pack+gate").place === "function" && typeof rk.policy("pack+gate").decide === "function"
  );
  throwsCode(
    "unknown name",
    function () {
      rk.policy("sleepy");
    },
    "EINVAL"
  );
  var msg = "";
  try {
    rk.policy("sleepy");
  } catch (e) {
    msg = e.message;
  }
  check("the message lists the names", msg.indexOf('"all-on", "heap-top", "gate-empty", "pack+gate"') >= 0);

  section("power: construction and bad inputs");
  var p = power();
  throwsCode(
    "power not a port",
    function () {
      return new rk.BankManager({});
    },
    "EINVAL"
  );
  throwsCode(
    "unknown policy",
    function () {
      return new rk.BankManager(p, { policy: "x" });
    },
    "EINVAL"
  );
  throwsCode(
    "negative hysteresis",
    function () {
      return new rk.BankManager(p, { hysteresis: -1 });
    },
    "EINVAL"
  );
  throwsCode(
    "reserved not an array",
    function () {
      return new rk.BankManager(p, { reserved: 5 });
    },
    "EINVAL"
  );
  throwsCode(
    "now not a function",
    function () {
      return new rk.BankManager(p, { now: 1 });
    },
    "EINVAL"
  );
  var mem = memoryPort(B, 5 * S);
  var heap = new rk.GranularHeap(mem, { base: B, size: 4 * S });
  var bm = new rk.BankManager(p, { policy: "gate-empty" });
  throwsCode(
    "manage a non-allocator",
    function () {
      bm.manage({});
    },
    "EINVAL"
  );
  eq("manage", bm.manage(heap), 0);
  throwsCode(
    "manage twice",
    function () {
      bm.manage(heap);
    },
    "EEXIST"
  );
  eq("geometry", [bm.base, bm.size, bm.blockSize, bm.lastError], [B, 4 * S, 16, 0]);
  eq("watch a non-watcher", bm.watch({ onAlloc: 1 }), -EINVAL);
  if (DEBUG) eq("unwatch an unknown one", bm.unwatch({}), -ENOENT); // unwatch and close come with the add-on
  eq("bad section", [bm.powerOff(-1), bm.powerOff(5), bm.powerOn(1.5), bm.powerOff("0")], [-EINVAL, -EINVAL, -EINVAL, -EINVAL]);
  eq("bad time", [bm.update(NaN), bm.update(-1), bm.update("1")], [-EINVAL, -EINVAL, -EINVAL]);

  section("power: gate-empty over a GranularHeap");
  eq("update switches off the empty sections", bm.update(0), 4);
  eq("states", states(p), "00001");
  var a = bm.allocate(100);
  eq("allocated at the bottom", a, B);
  eq("its section is on", states(p), "10001");
  var c = heap.allocate(16, undefined, B + 2 * S);
  eq("a direct allocation switches its section on", states(p), "10101");
  eq("live bytes", [bm.live[0], bm.live[2]], [112, 16]);
  eq("never off with live data", bm.powerOff(0), -EBUSY);
  eq("never off when not gateable", bm.powerOff(4, true), -EBUSY);
  var lost = [];
  eq("forced off loses the allocation", bm.powerOff(2, true, lost), 1);
  eq("lost", [lost.length, lost[0].address, lost[0].bytes, lost[0].allocator === heap], [1, c, 16, true]);
  eq("the old owner's free is refused", heap.free(c), -EFAULT);
  eq("free routes to the owner", bm.free(a), 0);
  eq("free of a foreign address", bm.free(B + 4 * S), -EFAULT);
  eq("update", bm.update(1), 1);
  eq("all off again", states(p), "00001");
  var st = bm.stats();
  eq("stats", [st.used, st.count, st.peak, st.switchOns, st.switchOffs, st.sectionsOn, st.lost], [0, 0, 128, 2, 6, 1, 1]);
  if (DEBUG) {
    eq("validate", bm.validate(), null);
    check("invariantsHold", bm.invariantsHold());
    eq("sectionTable", bm.sectionTable()[4].managed, false);
    eq("close", bm.close(), 0);
    eq("close switches everything on", states(p), "11111");
  }

  section("power: Onesize's in-band links are released and reclaimed");
  p = power();
  mem = memoryPort(B, 5 * S);
  var pool = new rk.Onesize(mem, { base: B, size: 4 * S, blockSize: 64 });
  bm = new rk.BankManager(p, { policy: "gate-empty" });
  bm.manage(pool);
  var blocks = [],
    x;
  while ((x = pool.allocate(64)) !== 0) blocks.push(x);
  eq("64 blocks", blocks.length, 64);
  for (var i = 0; i < blocks.length; i++) pool.free(blocks[i]);
  eq("update releases and switches off", bm.update(0), 4);
  eq("the pool itself has nothing left", pool.allocate(64), 0);
  a = bm.allocate(64);
  check("the manager reclaims a section", a !== 0 && p.getPower(p.sectionAt(a)) === "on");
  mem.write32(a, 0x12345678);
  eq("memory", mem.read32(a), 0x12345678);
  if (DEBUG) {
    eq("pool valid", pool.validate(), null);
    eq("manager valid", bm.validate(), null);
  }
  eq("free", bm.free(a), 0);

  section("power: heap-top and pack+gate");
  p = power();
  mem = memoryPort(B, 5 * S);
  heap = new rk.GranularHeap(mem, { base: B, size: 4 * S });
  bm = new rk.BankManager(p, { policy: "heap-top" });
  bm.manage(heap);
  a = heap.allocate(16, undefined, B + S);
  eq("heap-top: off above the top, on below it", [bm.update(0), states(p)], [2, "11001"]);
  heap.free(a);
  eq("heap-top: nothing in use", [bm.update(1), states(p)], [2, "00001"]);
  if (DEBUG) bm.close(); // lean: the old manager keeps watching the heap, over the power port left behind
  p = power();
  var t = 0;
  bm = new rk.BankManager(p, {
    policy: "pack+gate",
    hysteresis: 5,
    now: function () {
      return t;
    }
  });
  bm.manage(heap);
  heap.allocate(64, undefined, B + 3 * S);
  a = bm.allocate(16);
  eq("pack+gate places into the section holding data", p.sectionAt(a), 3);
  t = 4;
  eq("not yet", bm.update(), 0);
  t = 5;
  eq("after the hysteresis", [bm.update(), states(p)], [3, "00011"]);
})();
