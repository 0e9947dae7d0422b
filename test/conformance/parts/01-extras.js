/* Conformance part 01: the extras bundle (storage helpers, ArrayMemory, boardSectionSpecs). Plain ES5. */
(function () {
  if (typeof rk.ArrayMemory !== "function") return; // a board bundle: these are in ramkit-extras
  var BASE = 0x20000000;

  section("errno names");
  eq("errnoNames[EINVAL]", rk.errnoNames[rk.EINVAL], "EINVAL");
  eq("errnoNames[ENOMEM]", rk.errnoNames[rk.ENOMEM], "ENOMEM");

  section("storage");
  eq("hasTypedArrays matches the engine", rk.hasTypedArrays, typeof Uint8Array !== "undefined" && typeof Int32Array !== "undefined");
  var b = rk.bytes(8);
  eq("bytes(8) is zeroed", b, [0, 0, 0, 0, 0, 0, 0, 0]);
  eq("words(3) is zeroed", rk.words(3), [0, 0, 0]);
  eq("uwords(2) is zeroed", rk.uwords(2), [0, 0]);
  eq("bytes(0) is empty", rk.bytes(0).length, 0);
  var w = rk.words(2);
  w[0] = -5 | 0;
  w[1] = 0x7fffffff;
  eq("words keep signed 32-bit values", [w[0], w[1]], [-5, 0x7fffffff]);
  var u = rk.uwords(1);
  u[0] = 0xffffffff >>> 0;
  eq("uwords keep unsigned 32-bit values", u[0], 0xffffffff);
  rk.fillArr(b, 3, 2, 5);
  eq("fillArr fills [from, to)", b, [0, 0, 3, 3, 3, 0, 0, 0]);
  rk.fillArr(b, 9, 7, 7);
  eq("fillArr with an empty range changes nothing", b, [0, 0, 3, 3, 3, 0, 0, 0]);
  b[6] = 7;
  eq("indexOfArr finds the first match", rk.indexOfArr(b, 3, 0), 2);
  eq("indexOfArr starts at from", rk.indexOfArr(b, 3, 3), 3);
  eq("indexOfArr finds a later value", rk.indexOfArr(b, 7, 0), 6);
  eq("indexOfArr returns -1 when absent", rk.indexOfArr(b, 5, 0), -1);
  eq("indexOfArr returns -1 past the match", rk.indexOfArr(b, 7, 7), -1);
  var ws = rk.words(5);
  ws[3] = -1;
  eq("indexOfArr on words", rk.indexOfArr(ws, -1, 0), 3);

  section("ArrayMemory: little-endian access");
  var m = new rk.ArrayMemory(BASE, 64);
  eq("base", m.base, BASE);
  eq("size", m.size, 64);
  eq("fresh memory reads 0", m.read32(BASE), 0);
  m.write8(BASE, 0xab);
  eq("write8 stores the byte", m.read8(BASE), 0xab);
  m.write8(BASE + 1, -2);
  eq("write8 takes a signed byte", m.read8(BASE + 1), 0xfe);
  m.write16(BASE + 2, 0x2345);
  eq("write16 stores the half-word", m.read16(BASE + 2), 0x2345);
  eq("write16 is little-endian (low byte)", m.read8(BASE + 2), 0x45);
  eq("write16 is little-endian (high byte)", m.read8(BASE + 3), 0x23);
  m.write32(BASE + 4, 0xdeadbeef);
  eq("read32 is unsigned", m.read32(BASE + 4), 0xdeadbeef);
  eq("write32 byte 0", m.read8(BASE + 4), 0xef);
  eq("write32 byte 3", m.read8(BASE + 7), 0xde);
  eq("read16 of the low half", m.read16(BASE + 4), 0xbeef);
  eq("read16 of the high half", m.read16(BASE + 6), 0xdead);
  m.write32(BASE + 8, -1);
  eq("write32(-1) reads back 0xffffffff", m.read32(BASE + 8), 0xffffffff);
  m.write32(BASE + 60, 0x01020304);
  eq("the last word of the range", m.read32(BASE + 60), 0x01020304);
  m.write8(BASE + 63, 0);
  eq("the last byte of the range", m.read32(BASE + 60), 0x00020304);

  section("ArrayMemory: block calls");
  m.writeBlock(BASE + 16, [9, 1, 2, 3, 4, 9], 1, 4);
  eq(
    "writeBlock copies src[off..off+len)",
    [m.read8(BASE + 16), m.read8(BASE + 17), m.read8(BASE + 18), m.read8(BASE + 19), m.read8(BASE + 20)],
    [1, 2, 3, 4, 0]
  );
  var dst = [7, 7, 7, 7, 7, 7];
  m.readBlock(BASE + 16, dst, 1, 4);
  eq("readBlock fills dst[off..off+len)", dst, [7, 1, 2, 3, 4, 7]);
  m.writeBlock(BASE + 24, [0x100 + 5, -1], 0, 2);
  eq("writeBlock stores each element's low byte", [m.read8(BASE + 24), m.read8(BASE + 25)], [5, 0xff]);
  var rb = rk.bytes(4);
  m.readBlock(BASE + 16, rb, 0, 4);
  eq("readBlock into rk.bytes storage", rb, [1, 2, 3, 4]);
  m.fill(BASE + 32, 8, 0xaa);
  eq("fill sets len bytes to v", [m.read8(BASE + 31), m.read8(BASE + 32), m.read8(BASE + 39), m.read8(BASE + 40)], [0, 0xaa, 0xaa, 0]);
  m.fill(BASE + 32, 0, 1);
  eq("fill of 0 bytes changes nothing", m.read8(BASE + 32), 0xaa);

  section("ArrayMemory: copy with overlap");
  var i, got;
  for (i = 0; i < 8; i++) m.write8(BASE + 40 + i, i + 1);
  m.copy(BASE + 42, BASE + 40, 5);
  got = [];
  for (i = 0; i < 8; i++) got.push(m.read8(BASE + 40 + i));
  eq("copy forward over an overlap is memmove", got, [1, 2, 1, 2, 3, 4, 5, 8]);
  for (i = 0; i < 8; i++) m.write8(BASE + 40 + i, i + 1);
  m.copy(BASE + 40, BASE + 42, 5);
  got = [];
  for (i = 0; i < 8; i++) got.push(m.read8(BASE + 40 + i));
  eq("copy backward over an overlap is memmove", got, [3, 4, 5, 6, 7, 6, 7, 8]);
  m.copy(BASE + 40, BASE + 40, 8);
  eq("copy onto itself changes nothing", m.read8(BASE + 44), 7);

  section("ArrayMemory: EFAULT outside the range");
  throwsCode(
    "read8 below base",
    function () {
      m.read8(BASE - 1);
    },
    "EFAULT"
  );
  throwsCode(
    "read8 at base + size",
    function () {
      m.read8(BASE + 64);
    },
    "EFAULT"
  );
  throwsCode(
    "read16 across the end",
    function () {
      m.read16(BASE + 63);
    },
    "EFAULT"
  );
  throwsCode(
    "read32 across the end",
    function () {
      m.read32(BASE + 62);
    },
    "EFAULT"
  );
  throwsCode(
    "write8 past the end",
    function () {
      m.write8(BASE + 64, 1);
    },
    "EFAULT"
  );
  throwsCode(
    "write32 across the end",
    function () {
      m.write32(BASE + 61, 1);
    },
    "EFAULT"
  );
  throwsCode(
    "read at NULL",
    function () {
      m.read8(0);
    },
    "EFAULT"
  );
  throwsCode(
    "readBlock across the end",
    function () {
      m.readBlock(BASE + 60, [], 0, 8);
    },
    "EFAULT"
  );
  throwsCode(
    "fill across the end",
    function () {
      m.fill(BASE + 60, 8, 0);
    },
    "EFAULT"
  );
  throwsCode(
    "copy from outside",
    function () {
      m.copy(BASE, BASE + 60, 8);
    },
    "EFAULT"
  );
  m.write32(BASE + 56, 0x11223344);
  throwsCode(
    "writeBlock across the end",
    function () {
      m.writeBlock(BASE + 56, [1, 2, 3, 4, 5, 6, 7, 8, 9], 0, 9);
    },
    "EFAULT"
  );
  eq("a rejected writeBlock wrote nothing", m.read32(BASE + 56), 0x11223344);
  throwsCode(
    "copy to outside",
    function () {
      m.copy(BASE + 60, BASE, 8);
    },
    "EFAULT"
  );
  eq("a rejected copy wrote nothing", m.read32(BASE + 60), 0x00020304);
  check(
    "EFAULT names the address",
    messageOf(function () {
      m.read8(BASE + 64);
    }).indexOf("0x20000040") >= 0
  );

  section("ArrayMemory: EINVAL on bad values, lengths, offsets and buffers");
  m.write32(BASE + 48, 0x55667788);
  throwsCode(
    "write8 of 256",
    function () {
      m.write8(BASE + 48, 256);
    },
    "EINVAL"
  );
  throwsCode(
    "write8 of -129",
    function () {
      m.write8(BASE + 48, -129);
    },
    "EINVAL"
  );
  throwsCode(
    "write8 of NaN",
    function () {
      m.write8(BASE + 48, NaN);
    },
    "EINVAL"
  );
  throwsCode(
    "write8 of 1.5",
    function () {
      m.write8(BASE + 48, 1.5);
    },
    "EINVAL"
  );
  throwsCode(
    "write8 of a string",
    function () {
      m.write8(BASE + 48, "5");
    },
    "EINVAL"
  );
  throwsCode(
    "write16 of 65536",
    function () {
      m.write16(BASE + 48, 65536);
    },
    "EINVAL"
  );
  throwsCode(
    "write16 of an object",
    function () {
      m.write16(BASE + 48, {});
    },
    "EINVAL"
  );
  throwsCode(
    "write32 of 2^32",
    function () {
      m.write32(BASE + 48, 4294967296);
    },
    "EINVAL"
  );
  throwsCode(
    "write32 of -2^31 - 1",
    function () {
      m.write32(BASE + 48, -2147483649);
    },
    "EINVAL"
  );
  throwsCode(
    "write32 of NaN",
    function () {
      m.write32(BASE + 48, NaN);
    },
    "EINVAL"
  );
  throwsCode(
    "write32 of undefined",
    function () {
      m.write32(BASE + 48);
    },
    "EINVAL"
  );
  throwsCode(
    "fill of 0x1aa",
    function () {
      m.fill(BASE + 48, 4, 0x1aa);
    },
    "EINVAL"
  );
  eq("the rejected writes wrote nothing", m.read32(BASE + 48), 0x55667788);
  check(
    "the value is named",
    messageOf(function () {
      m.write8(BASE + 48, NaN);
    }).indexOf("got NaN") >= 0
  );
  m.write32(BASE + 48, -2147483648);
  eq("write32 of -2^31", m.read32(BASE + 48), 0x80000000);
  m.write32(BASE + 48, 4294967295);
  eq("write32 of 2^32 - 1", m.read32(BASE + 48), 0xffffffff);
  m.write32(BASE + 48, 0x55667788);
  var bdst = [7, 7, 7, 7];
  throwsCode(
    "readBlock with len -1",
    function () {
      m.readBlock(BASE + 48, bdst, 0, -1);
    },
    "EINVAL"
  );
  throwsCode(
    "readBlock with len 0.5",
    function () {
      m.readBlock(BASE + 48, bdst, 0, 0.5);
    },
    "EINVAL"
  );
  throwsCode(
    "writeBlock with len true",
    function () {
      m.writeBlock(BASE + 48, [1, 2, 3, 4], 0, true);
    },
    "EINVAL"
  );
  throwsCode(
    "writeBlock with no len",
    function () {
      m.writeBlock(BASE + 48, [1, 2, 3, 4], 0);
    },
    "EINVAL"
  );
  throwsCode(
    "fill with len -4",
    function () {
      m.fill(BASE + 48, -4, 0);
    },
    "EINVAL"
  );
  throwsCode(
    "copy with len 0.5",
    function () {
      m.copy(BASE + 40, BASE + 48, 0.5);
    },
    "EINVAL"
  );
  throwsCode(
    'readBlock with off "12"',
    function () {
      m.readBlock(BASE + 48, bdst, "12", 4);
    },
    "EINVAL"
  );
  throwsCode(
    "readBlock into null",
    function () {
      m.readBlock(BASE + 48, null, 0, 4);
    },
    "EINVAL"
  );
  throwsCode(
    "writeBlock from null",
    function () {
      m.writeBlock(BASE + 48, null, 0, 4);
    },
    "EINVAL"
  );
  throwsCode(
    "writeBlock from a source too short",
    function () {
      m.writeBlock(BASE + 48, [1, 2], 0, 4);
    },
    "EINVAL"
  );
  check(
    "the buffer is named",
    messageOf(function () {
      m.readBlock(BASE + 48, null, 0, 4);
    }).indexOf("dst") >= 0
  );
  eq("dst is untouched", bdst, [7, 7, 7, 7]);
  eq("the rejected block calls wrote nothing", m.read32(BASE + 48), 0x55667788);
  throwsCode(
    "EFAULT: a string address",
    function () {
      m.read32("0x20000000");
    },
    "EFAULT"
  );

  section("ArrayMemory: EINVAL on bad arguments");
  throwsCode(
    "base 0",
    function () {
      return new rk.ArrayMemory(0, 16);
    },
    "EINVAL"
  );
  throwsCode(
    "negative base",
    function () {
      return new rk.ArrayMemory(-4, 16);
    },
    "EINVAL"
  );
  throwsCode(
    "string base",
    function () {
      return new rk.ArrayMemory("0x20000000", 16);
    },
    "EINVAL"
  );
  throwsCode(
    "size 0",
    function () {
      return new rk.ArrayMemory(BASE, 0);
    },
    "EINVAL"
  );
  throwsCode(
    "fractional size",
    function () {
      return new rk.ArrayMemory(BASE, 1.5);
    },
    "EINVAL"
  );
  throwsCode(
    "range past 2^32",
    function () {
      return new rk.ArrayMemory(0xfffffff0, 0x20);
    },
    "EINVAL"
  );
  check(
    "EINVAL names the argument (size)",
    messageOf(function () {
      return new rk.ArrayMemory(BASE, 0);
    }).indexOf("size") >= 0
  );
  check(
    "EINVAL names the argument (base)",
    messageOf(function () {
      return new rk.ArrayMemory(0, 16);
    }).indexOf("base") >= 0
  );
  eq("the highest range fits", new rk.ArrayMemory(0xfffffff0, 0x10).read8(0xffffffff), 0);

  section("boardSectionSpecs");
  var board = {
    name: "TINY",
    title: "Tiny",
    sections: [
      { name: "RAM0.S0", bank: "RAM0", index: 0, base: BASE, size: 0x1000, gateable: false, retention: { value: 0.03, unit: "uA" } },
      { name: "RAM0.S1", bank: "RAM0", index: 1, base: BASE + 0x1000, size: 0x1000, gateable: true, retention: { value: 0.03, unit: "uA" } }
    ]
  };
  var bs = rk.boardSectionSpecs(board);
  eq("one spec per section", bs.length, 2);
  eq("spec fields", [bs[1].name, bs[1].base, bs[1].size, bs[1].gateable], ["RAM0.S1", BASE + 0x1000, 0x1000, true]);
  eq("only the four spec fields", Object.keys(bs[0]).length, 4);
  var bp = new rk.StatePower(bs);
  eq("the specs feed StatePower", bp.sectionAt(BASE + 0x1800), 1);
  throwsCode(
    "a board section that cannot be gated stays on",
    function () {
      bp.setPower(0, "off");
    },
    "EPERM"
  );
})();
