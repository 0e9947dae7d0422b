/* Conformance part 00: the board core (errors, power states, StatePower, the peek/poke Memory port). Plain ES5. */
(function () {
  var BASE = 0x20000000;

  section("errors");
  eq("EPERM", rk.EPERM, 1);
  eq("ENOENT", rk.ENOENT, 2);
  eq("EAGAIN", rk.EAGAIN, 11);
  eq("ENOMEM", rk.ENOMEM, 12);
  eq("EFAULT", rk.EFAULT, 14);
  eq("EBUSY", rk.EBUSY, 16);
  eq("EEXIST", rk.EEXIST, 17);
  eq("EINVAL", rk.EINVAL, 22);
  eq("ENOSPC", rk.ENOSPC, 28);
  var err = rk.makeError("EINVAL", "size must be positive");
  eq("makeError sets .code", err.code, "EINVAL");
  eq("makeError message", err.message, "EINVAL: size must be positive");
  check("makeError makes an Error", err instanceof Error);
  throwsCode(
    "a thrown makeError keeps its code",
    function () {
      throw rk.makeError("EBUSY", "x");
    },
    "EBUSY"
  );

  section("power states");
  eq("POWER_ON", rk.POWER_ON, "on");
  eq("POWER_OFF", rk.POWER_OFF, "off");
  eq("POWER_RETAINED", rk.POWER_RETAINED, "retained");
  check("isPowerState on/off/retained", rk.isPowerState("on") && rk.isPowerState("off") && rk.isPowerState("retained"));
  check(
    "isPowerState rejects others",
    !rk.isPowerState("ON") && !rk.isPowerState("") && !rk.isPowerState(undefined) && !rk.isPowerState(1)
  );

  section("StatePower");
  var specs = [
    { name: "S0", base: BASE, size: 0x1000, gateable: false },
    { name: "S1", base: BASE + 0x1000, size: 0x1000, gateable: true },
    { name: "S2", base: BASE + 0x4000, size: 0x8000, gateable: true }
  ];
  var p = new rk.StatePower(specs);
  eq("sectionCount", p.sectionCount(), 3);
  eq("sectionAt(base)", p.sectionAt(BASE), 0);
  eq("sectionAt(last byte of S0)", p.sectionAt(BASE + 0xfff), 0);
  eq("sectionAt(first byte of S1)", p.sectionAt(BASE + 0x1000), 1);
  eq("sectionAt(a gap)", p.sectionAt(BASE + 0x2000), -1);
  eq("sectionAt(S2)", p.sectionAt(BASE + 0xbfff), 2);
  eq("sectionAt(after the end)", p.sectionAt(BASE + 0xc000), -1);
  eq("sectionAt(NaN, undefined, a string)", [p.sectionAt(NaN), p.sectionAt(undefined), p.sectionAt("x")], [-1, -1, -1]);
  eq("sectionAt(below)", p.sectionAt(BASE - 1), -1);
  eq("sectionBase", p.sectionBase(2), BASE + 0x4000);
  eq("sectionSize", p.sectionSize(2), 0x8000);
  eq("sectionName", p.sectionName(1), "S1");
  eq("gateable", [p.gateable(0), p.gateable(1)], [false, true]);
  eq("sections start on", [p.getPower(0), p.getPower(1), p.getPower(2)], ["on", "on", "on"]);
  p.setPower(1, rk.POWER_OFF);
  eq("setPower off", p.getPower(1), "off");
  p.setPower(1, "retained");
  eq("setPower retained", p.getPower(1), "retained");
  p.setPower(0, "on");
  eq("a non-gateable section may be switched on", p.getPower(0), "on");
  throwsCode(
    "EPERM: switching a non-gateable section off",
    function () {
      p.setPower(0, "off");
    },
    "EPERM"
  );
  throwsCode(
    "EPERM: retaining a non-gateable section",
    function () {
      p.setPower(0, "retained");
    },
    "EPERM"
  );
  eq("a rejected setPower changes nothing", p.getPower(0), "on");
  throwsCode(
    "EINVAL: unknown state",
    function () {
      p.setPower(1, "sleep");
    },
    "EINVAL"
  );
  eq("a rejected state changes nothing", p.getPower(1), "retained");
  throwsCode(
    "EINVAL: section out of range",
    function () {
      p.setPower(3, "on");
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: negative section",
    function () {
      p.getPower(-1);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: fractional section",
    function () {
      p.sectionBase(1.5);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: no sections",
    function () {
      return new rk.StatePower([]);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: null sections",
    function () {
      return new rk.StatePower(null);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: overlapping sections",
    function () {
      return new rk.StatePower([
        { name: "a", base: BASE, size: 0x100, gateable: true },
        { name: "b", base: BASE + 0x80, size: 0x100, gateable: true }
      ]);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: sections out of order",
    function () {
      return new rk.StatePower([
        { name: "a", base: BASE + 0x100, size: 0x100, gateable: true },
        { name: "b", base: BASE, size: 0x100, gateable: true }
      ]);
    },
    "EINVAL"
  );
  throwsCode(
    "EINVAL: an undefined entry",
    function () {
      return new rk.StatePower([undefined]);
    },
    "EINVAL"
  );
  check(
    "EINVAL names the entry",
    messageOf(function () {
      return new rk.StatePower([specs[0], null]);
    }).indexOf("sections[1]") >= 0
  );
  eq("sectionAt(a numeric string)", p.sectionAt("0x20000010"), -1);
  throwsCode(
    "EINVAL: section base 0",
    function () {
      return new rk.StatePower([{ name: "a", base: 0, size: 0x100, gateable: true }]);
    },
    "EINVAL"
  );
  check(
    "EINVAL names the section",
    messageOf(function () {
      return new rk.StatePower([{ name: "a", base: BASE, size: 0, gateable: true }]);
    }).indexOf("sections[0].size") >= 0
  );

  section("peek/poke backend");
  // true on Espruino (the Linux build has peek32/poke32 too), false elsewhere
  eq("hasPeekPoke() says whether peek32 and poke32 exist", rk.hasPeekPoke(), typeof peek32 === "function" && typeof poke32 === "function");
  eq("PeekPokeMemory is a constructor", typeof rk.PeekPokeMemory, "function");
  eq("VERSION is a version string", /^\d+\.\d+\.\d+/.test(rk.VERSION), true);
})();
