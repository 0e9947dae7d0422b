// Workload kernels of the benchmark driver: plain ES5, no globals read.
// run.mjs embeds this file's TEXT in the generated script and the driver
// eval()s a fresh copy for every case, so each adapter gets its own V8 call
// sites (monomorphic inline caches) on Node; on Duktape the copy is harmless.
// Each workload has a throughput loop and a timed twin that repeats its body
// with clock reads: duplicated on purpose, so the throughput loop carries no
// timing statements (they would cost more than a free-list op under duk).
// `pool` is what an adapter's make() returned: alloc(size) -> address or 0,
// free(address, size). One op = one alloc call or one free call.

// fixed32-lifo / fixed32-fifo: fill until alloc returns 0 (or `scratch` is
// full), then free newest-first (lifo) or oldest-first; `cycles` times.
function fixedCycles(pool, cycles, size, lifo, scratch) {
  var ops = 0,
    cap = scratch.length,
    c,
    n,
    k,
    a;
  for (c = 0; c < cycles; c++) {
    n = 0;
    while (n < cap && (a = pool.alloc(size)) !== 0) scratch[n++] = a;
    if (lifo) {
      for (k = n - 1; k >= 0; k--) pool.free(scratch[k], size);
    } else {
      for (k = 0; k < n; k++) pool.free(scratch[k], size);
    }
    ops += 2 * n;
  }
  return ops;
}

// The same with a clock read every `batch` ops; times[j] = elapsed time of
// batch j (clock units). The failing alloc that ends a fill is not timed.
function fixedTimed(pool, cycles, size, lifo, scratch, clock, times, batch) {
  var j = 0,
    cap = scratch.length,
    c,
    n,
    k,
    a,
    t0,
    t1,
    q = 0;
  t0 = clock();
  for (c = 0; c < cycles; c++) {
    n = 0;
    for (;;) {
      if (n >= cap) break;
      a = pool.alloc(size);
      if (a === 0) {
        t0 = clock();
        q = 0;
        break;
      }
      scratch[n++] = a;
      if (++q === batch) {
        t1 = clock();
        times[j++] = t1 - t0;
        t0 = clock();
        q = 0;
      }
    }
    for (k = 0; k < n; k++) {
      pool.free(scratch[lifo ? n - 1 - k : k], size);
      if (++q === batch) {
        t1 = clock();
        times[j++] = t1 - t0;
        t0 = clock();
        q = 0;
      }
    }
  }
  return j;
}

// contig-frag: a ring of st.ring.length live runs over a fragmented region;
// each step frees the oldest run when the ring is full, then allocates a run
// of 2..8 blocks (size = n * blockSize, n from the shared random stream).
function contigSteps(pool, steps, st) {
  var ring = st.ring,
    sz = st.sz,
    R = ring.length,
    rnd = st.rnd,
    mask = rnd.length - 1;
  var head = st.head,
    cnt = st.cnt,
    r = st.r,
    bs = st.bs,
    fails = 0,
    ops = 0,
    s,
    a,
    size,
    t;
  for (s = 0; s < steps; s++) {
    if (cnt === R) {
      pool.free(ring[head], sz[head]);
      head = head + 1 === R ? 0 : head + 1;
      cnt--;
      ops++;
    }
    size = (2 + (rnd[r] % 7)) * bs;
    r = (r + 1) & mask;
    a = pool.alloc(size);
    ops++;
    if (a !== 0) {
      t = head + cnt;
      if (t >= R) t -= R;
      ring[t] = a;
      sz[t] = size;
      cnt++;
    } else fails++;
  }
  st.head = head;
  st.cnt = cnt;
  st.r = r;
  st.fails += fails;
  return ops;
}

// contig-frag with a clock read every `batch` ops (see fixedTimed).
function contigTimed(pool, steps, st, clock, times, batch) {
  var ring = st.ring,
    sz = st.sz,
    R = ring.length,
    rnd = st.rnd,
    mask = rnd.length - 1;
  var head = st.head,
    cnt = st.cnt,
    r = st.r,
    bs = st.bs,
    j = 0,
    q = 0,
    s,
    a,
    size,
    t,
    t0,
    t1;
  t0 = clock();
  for (s = 0; s < steps; s++) {
    if (cnt === R) {
      pool.free(ring[head], sz[head]);
      head = head + 1 === R ? 0 : head + 1;
      cnt--;
      if (++q === batch) {
        t1 = clock();
        times[j++] = t1 - t0;
        t0 = clock();
        q = 0;
      }
    }
    size = (2 + (rnd[r] % 7)) * bs;
    r = (r + 1) & mask;
    a = pool.alloc(size);
    if (a !== 0) {
      t = head + cnt;
      if (t >= R) t -= R;
      ring[t] = a;
      sz[t] = size;
      cnt++;
    } else st.fails++;
    if (++q === batch) {
      t1 = clock();
      times[j++] = t1 - t0;
      t0 = clock();
      q = 0;
    }
  }
  st.head = head;
  st.cnt = cnt;
  st.r = r;
  return j;
}

// mix16-256 and its ordered variants: requests of 16..256
// bytes from the shared stream; alloc with p = 154/256 while live requested
// bytes < st.target, else p = 102/256; a free releases a uniformly random
// live block (st.order 0, swap-remove: the newest takes its slot), the
// newest (1, mix16-256-lifo) or the oldest (2, mix16-256-fifo). Live blocks
// sit in a ring (st.live.length a power of two; st.head moves only under
// order 2), in allocation order under orders 1 and 2, so every victim is
// found in O(1) and the driver's cost does not depend on the order.
function mixSteps(pool, steps, st) {
  var rnd = st.rnd,
    mask = rnd.length - 1,
    live = st.live,
    liveSz = st.liveSz,
    target = st.target,
    order = st.order;
  var r = st.r,
    n = st.n,
    head = st.head,
    bytes = st.bytes,
    fails = 0,
    sum = 0,
    k,
    u,
    p,
    size,
    a,
    j,
    t,
    cap = live.length,
    qm = cap - 1;
  for (k = 0; k < steps; k++) {
    u = rnd[r];
    r = (r + 1) & mask;
    p = u & 0xff;
    if (n === 0 || (n < cap && (bytes < target ? p < 154 : p < 102))) {
      size = 16 + ((u >>> 8) % 241);
      a = pool.alloc(size);
      if (a !== 0) {
        j = (head + n) & qm;
        live[j] = a;
        liveSz[j] = size;
        n++;
        bytes += size;
      } else fails++;
    } else {
      n--;
      t = (head + n) & qm;
      if (order === 0) j = (head + ((u >>> 16) % (n + 1))) & qm;
      else if (order === 1) j = t;
      else {
        j = head;
        head = (head + 1) & qm;
      }
      pool.free(live[j], liveSz[j]);
      bytes -= liveSz[j];
      if (order === 0) {
        live[j] = live[t];
        liveSz[j] = liveSz[t];
      }
    }
    sum += bytes;
  }
  st.r = r;
  st.n = n;
  st.head = head;
  st.bytes = bytes;
  st.fails += fails;
  st.steps += steps;
  st.bytesSum += sum;
  return steps;
}

// mix16-256* with a clock read every `batch` ops (see fixedTimed).
function mixTimed(pool, steps, st, clock, times, batch) {
  var rnd = st.rnd,
    mask = rnd.length - 1,
    live = st.live,
    liveSz = st.liveSz,
    target = st.target,
    order = st.order;
  var r = st.r,
    n = st.n,
    head = st.head,
    bytes = st.bytes,
    k,
    u,
    p,
    size,
    a,
    j,
    t,
    cap = live.length,
    qm = cap - 1,
    q = 0,
    i = 0,
    t0,
    t1;
  t0 = clock();
  for (k = 0; k < steps; k++) {
    u = rnd[r];
    r = (r + 1) & mask;
    p = u & 0xff;
    if (n === 0 || (n < cap && (bytes < target ? p < 154 : p < 102))) {
      size = 16 + ((u >>> 8) % 241);
      a = pool.alloc(size);
      if (a !== 0) {
        j = (head + n) & qm;
        live[j] = a;
        liveSz[j] = size;
        n++;
        bytes += size;
      } else st.fails++;
    } else {
      n--;
      t = (head + n) & qm;
      if (order === 0) j = (head + ((u >>> 16) % (n + 1))) & qm;
      else if (order === 1) j = t;
      else {
        j = head;
        head = (head + 1) & qm;
      }
      pool.free(live[j], liveSz[j]);
      bytes -= liveSz[j];
      if (order === 0) {
        live[j] = live[t];
        liveSz[j] = liveSz[t];
      }
    }
    if (++q === batch) {
      t1 = clock();
      times[i++] = t1 - t0;
      t0 = clock();
      q = 0;
    }
  }
  st.r = r;
  st.n = n;
  st.head = head;
  st.bytes = bytes;
  return i;
}
