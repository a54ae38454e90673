// heapwatch snapshot helper. Runs as `node -e THIS_SCRIPT TIMEOUT_S` under the container's own node
// (`docker exec -i CONTAINER node -e …`), beside the app, with nothing installed in the container.
//
// 1. takes a lock (/tmp/heapwatch-snapshot.lock: one snapshot at a time per container),
// 2. finds the app (PID 1 when it is node, else the oldest other node process) and opens its inspector
//    with SIGUSR1 (Node binds 127.0.0.1:9229 inside the container), unless it is already open,
// 3. speaks the inspector's WebSocket protocol itself (Node 18 and 20 have no global WebSocket),
// 4. reports the numbers the preflight needs and waits on stdin for "count" (then counts the heap's objects
//    and reports again) or "go" (anything else: stop),
// 5. HeapProfiler.takeHeapSnapshot: the chunks go to stdout as they come,
// 6. closes the inspector it opened on every path: done, error, timeout, stdin or stdout closed (the SSH
//    channel went away), SIGTERM/SIGINT/SIGHUP.
//
// stderr carries one line per event, "heapwatch-snapshot KEY k=v …" (values without spaces), for
// app/core/SnapshotHelperOutput. Exit codes: 0 done, 1 error, 3 stopped by the caller, 4 busy, 5 timed out.
'use strict';
const fs = require('fs');
const net = require('net');
const http = require('http');
const crypto = require('crypto');

const TAG = 'heapwatch-snapshot';
const LOCK = '/tmp/heapwatch-snapshot.lock';
const timeoutMs = Math.max(1, Number(process.argv[1] || process.argv[2] || 600) || 600) * 1000;

let openedByUs = false;
let lockHeld = false;
let ws = null;
let port = 9229;
let ending = false;
let nextId = 1;
const pending = new Map();

function say(key, fields) {
    let line = TAG + ' ' + key;
    for (const [k, v] of Object.entries(fields || {}))
        line += ' ' + k + '=' + String(v).replace(/[\s]+/g, '_');
    try {
        fs.writeSync(2, line + '\n');
    } catch (e) {
        // stderr gone: the channel is closed, the cleanup goes on regardless
    }
}

function pidAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return e.code === 'EPERM';
    }
}

function takeLock() {
    for (let attempt = 0; attempt < 2; attempt++) {
        try {
            const fd = fs.openSync(LOCK, 'wx', 0o600);
            fs.writeSync(fd, String(process.pid));
            fs.closeSync(fd);
            lockHeld = true;
            return true;
        } catch (e) {
            if (e.code !== 'EEXIST') {
                // A read-only /tmp: no lock in the container; heapwatch's own per-target lock still holds.
                say('start', {lock: 'unavailable', reason: e.code || 'unknown'});
                return true;
            }
            let holder = 0;
            try {
                holder = Number(fs.readFileSync(LOCK, 'utf8').trim());
            } catch (e2) {
                continue; // removed meanwhile by the helper that held it: try again
            }
            if (holder > 0 && holder !== process.pid && pidAlive(holder))
                return false;
            try {
                fs.unlinkSync(LOCK); // left by a helper that was killed
            } catch (e2) {
                // removed meanwhile
            }
        }
    }
    return false;
}

function cmdline(pid) {
    try {
        return fs.readFileSync('/proc/' + pid + '/cmdline', 'latin1').split('\0').filter((s) => s.length);
    } catch (e) {
        return [];
    }
}

function isNode(pid) {
    const argv = cmdline(pid);
    if (!argv.length)
        return false;
    try {
        if (/(^|\/)node(js)?$/.test(fs.readlinkSync('/proc/' + pid + '/exe')))
            return true;
    } catch (e) {
        // another user's process: its exe link is not readable, its cmdline is
    }
    return /(^|\/)node(js)?$/.test(argv[0]);
}

// `npm start`, `yarn start` and the like are node processes too, but the app is their child.
function isPackageManager(pid) {
    const script = cmdline(pid)[1] || '';
    return /(^|\/)(npm|npx|yarn|pnpm|corepack)(-cli)?(\.c?js)?$/.test(script) || /\/(npm|yarn|pnpm)\//.test(script);
}

function findApp() {
    const pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).sort((a, b) => a - b);
    const apps = pids.filter((pid) => pid !== process.pid && isNode(pid) && !isPackageManager(pid) &&
                                      !cmdline(pid).join(' ').includes(TAG));
    return apps.length ? apps[0] : 0; // PID 1 when it is the app, else the oldest node process
}

// The port SIGUSR1 opens: --inspect-port=N / --inspect=[host:]N on the command line or in NODE_OPTIONS.
function inspectPort(pid) {
    let words = cmdline(pid);
    try {
        const env = fs.readFileSync('/proc/' + pid + '/environ', 'latin1').split('\0');
        const opts = env.find((e) => e.startsWith('NODE_OPTIONS='));
        if (opts)
            words = words.concat(opts.slice(13).split(/\s+/));
    } catch (e) {
        // not readable: the default port
    }
    for (const w of words) {
        const m = /^--inspect(?:-brk|-port)?=(?:[^:]*:)?(\d+)$/.exec(w);
        if (m)
            return Number(m[1]);
    }
    return 9229;
}

// cgroup v2, else v1: the container's own limit and usage (no limit: the machine's available memory).
function memory() {
    const read = (f) => {
        try {
            return fs.readFileSync(f, 'utf8').trim();
        } catch (e) {
            return '';
        }
    };
    let limit = read('/sys/fs/cgroup/memory.max');
    let usage = read('/sys/fs/cgroup/memory.current');
    if (!usage) {
        limit = read('/sys/fs/cgroup/memory/memory.limit_in_bytes');
        usage = read('/sys/fs/cgroup/memory/memory.usage_in_bytes');
    }
    // As `docker stats` counts it: the page cache the kernel can drop (inactive files) is not in use.
    const stat = read('/sys/fs/cgroup/memory.stat') || read('/sys/fs/cgroup/memory/memory.stat');
    const inactive = /^total_inactive_file (\d+)$/m.exec(stat) || /^inactive_file (\d+)$/m.exec(stat);
    const out = {limit: -1, usage: Number(usage) || -1, available: -1};
    if (out.usage > 0 && inactive && Number(inactive[1]) < out.usage)
        out.usage -= Number(inactive[1]);
    if (/^\d+$/.test(limit) && Number(limit) < 2 ** 60)
        out.limit = Number(limit);
    const m = /MemAvailable:\s+(\d+) kB/.exec(read('/proc/meminfo'));
    if (m)
        out.available = Number(m[1]) * 1024;
    return out;
}

function listening(p) {
    return new Promise((resolve) => {
        const s = net.connect({host: '127.0.0.1', port: p});
        s.setTimeout(1000);
        s.on('connect', () => {
            s.destroy();
            resolve(true);
        });
        s.on('error', () => resolve(false));
        s.on('timeout', () => {
            s.destroy();
            resolve(false);
        });
    });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function targets(p) {
    return new Promise((resolve, reject) => {
        const req = http.get({host: '127.0.0.1', port: p, path: '/json/list', timeout: 5000}, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (body += d.length < 1e6 ? d : ''));
            res.on('end', () => {
                try {
                    resolve(JSON.parse(body));
                } catch (e) {
                    reject(new Error('unreadable /json/list'));
                }
            });
        });
        req.on('timeout', () => req.destroy(new Error('/json/list did not answer')));
        req.on('error', reject);
    });
}

// A minimal WebSocket client (RFC 6455): one text message per call, client frames masked, server frames
// reassembled across reads and continuations, pings answered.
function connectWs(url) {
    return new Promise((resolve, reject) => {
        const u = new URL(url);
        const key = crypto.randomBytes(16).toString('base64');
        const sock = net.connect({host: '127.0.0.1', port: Number(u.port) || 80});
        let buf = Buffer.alloc(0);
        let upgraded = false;
        let parts = [];
        const api = {
            onMessage: null,
            onClose: null,
            send(text) {
                const payload = Buffer.from(text, 'utf8');
                const n = payload.length;
                const head = n < 126 ? Buffer.alloc(2) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
                head[0] = 0x81;
                if (n < 126) {
                    head[1] = 0x80 | n;
                } else if (n < 65536) {
                    head[1] = 0x80 | 126;
                    head.writeUInt16BE(n, 2);
                } else {
                    head[1] = 0x80 | 127;
                    head.writeBigUInt64BE(BigInt(n), 2);
                }
                const mask = crypto.randomBytes(4);
                for (let i = 0; i < n; i++)
                    payload[i] ^= mask[i & 3];
                sock.write(Buffer.concat([head, mask, payload]));
            },
            close() {
                sock.destroy();
            },
        };
        sock.on('connect', () => {
            sock.write(`GET ${u.pathname} HTTP/1.1\r\nHost: 127.0.0.1:${u.port}\r\nUpgrade: websocket\r\n` +
                       `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
        });
        sock.on('data', (data) => {
            buf = buf.length ? Buffer.concat([buf, data]) : data;
            if (!upgraded) {
                const end = buf.indexOf('\r\n\r\n');
                if (end < 0)
                    return;
                const head = buf.subarray(0, end).toString('latin1');
                const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
                                   .digest('base64');
                if (!/^HTTP\/1\.1 101/.test(head) || !head.includes(accept)) {
                    sock.destroy();
                    reject(new Error('the inspector refused the WebSocket upgrade'));
                    return;
                }
                upgraded = true;
                buf = buf.subarray(end + 4);
                resolve(api);
            }
            for (;;) {
                if (buf.length < 2)
                    return;
                const fin = (buf[0] & 0x80) !== 0;
                const op = buf[0] & 0x0f;
                let len = buf[1] & 0x7f;
                let off = 2;
                if (len === 126) {
                    if (buf.length < 4)
                        return;
                    len = buf.readUInt16BE(2);
                    off = 4;
                } else if (len === 127) {
                    if (buf.length < 10)
                        return;
                    len = Number(buf.readBigUInt64BE(2));
                    off = 10;
                }
                if (buf[1] & 0x80)
                    off += 4; // servers do not mask; skip a mask key if one ever comes
                if (buf.length < off + len)
                    return;
                const payload = buf.subarray(off, off + len);
                buf = buf.subarray(off + len);
                if (op === 0x8) {
                    sock.destroy();
                    return;
                }
                if (op === 0x9) {
                    const pong = Buffer.alloc(6);
                    pong[0] = 0x8a;
                    pong[1] = 0x80; // empty, masked with a zero key
                    sock.write(pong);
                    continue;
                }
                if (op === 0x1 || op === 0x2 || op === 0x0) {
                    parts.push(Buffer.from(payload));
                    if (fin) {
                        const text = Buffer.concat(parts).toString('utf8');
                        parts = [];
                        if (api.onMessage)
                            api.onMessage(text);
                    }
                }
            }
        });
        sock.on('error', (e) => {
            if (!upgraded)
                reject(e);
        });
        sock.on('close', () => {
            if (!upgraded)
                reject(new Error('the inspector closed the connection'));
            if (api.onClose)
                api.onClose();
        });
    });
}

// The number of objects on the app's heap, which is what a snapshot's memory grows with (V8 keeps an entry
// and the edges of every object while it writes one: about 1 KB an object, measured on Node 20). V8
// numbers every live object when heap object tracking starts and reports them in heapStatsUpdate; disable
// ends the tracking without taking a snapshot (stopTrackingHeapObjects would take one; the numbering may
// stay for the next session). The app pauses while its objects are numbered: about 1 s per million. -1 when
// it fails.
let heapStats = null;
async function countObjects() {
    const started = Date.now();
    let objects = -1;
    try {
        const fragments = new Map(); // fragment index -> its objects (an update gives a fragment's total)
        const seen = new Promise((resolve) => {
            heapStats = (m) => {
                if (m.method === 'HeapProfiler.heapStatsUpdate') {
                    const u = m.params.statsUpdate;
                    for (let i = 0; i + 2 < u.length; i += 3)
                        fragments.set(u[i], u[i + 1]);
                } else if (m.method === 'HeapProfiler.lastSeenObjectId') {
                    resolve();
                }
            };
        });
        await call('HeapProfiler.enable');
        await call('HeapProfiler.startTrackingHeapObjects', {trackAllocations: false});
        await Promise.race([seen, sleep(30000)]);
        let count = 0;
        for (const n of fragments.values())
            count += n;
        objects = count > 0 ? count : -1;
    } catch (e) {
        objects = -1;
    }
    heapStats = null;
    await call('HeapProfiler.disable').catch(() => {});
    return {objects, ms: Date.now() - started};
}

function call(method, params) {
    return new Promise((resolve, reject) => {
        if (!ws)
            return reject(new Error('no inspector connection'));
        const id = nextId++;
        pending.set(id, {resolve, reject});
        ws.send(JSON.stringify({id, method, params: params || {}}));
    });
}

function onMessage(text) {
    let msg;
    try {
        msg = JSON.parse(text);
    } catch (e) {
        return;
    }
    if (msg.method === 'HeapProfiler.addHeapSnapshotChunk') {
        const chunk = Buffer.from(msg.params.chunk, 'utf8');
        bytes += chunk.length;
        writeOut(chunk);
    } else if (heapStats && msg.method && msg.method.startsWith('HeapProfiler.')) {
        heapStats(msg);
    } else if (msg.method === 'HeapProfiler.reportHeapSnapshotProgress') {
        say('progress', {done: msg.params.done, total: msg.params.total});
    } else if (msg.id && pending.has(msg.id)) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.error)
            p.reject(new Error(msg.error.message || 'inspector error'));
        else
            p.resolve(msg.result);
    }
}

let bytes = 0;
let snapshotRunning = false;
function writeOut(chunk) {
    if (ending)
        return; // stopping: the chunks still coming are read and dropped, so that none wait in the app
    try {
        fs.writeSync(1, chunk); // blocks while the channel is full: the inspector waits with us
    } catch (e) {
        finish(1, 'stdout closed: ' + e.code);
    }
}

// Closes the inspector that we opened: inspector.close() inside the app, asked over the protocol. The
// answer may never come (close() ends our session), and while a snapshot is being written the app only
// reads the request once it is done: wait for the answer or the end of the session, up to a bound.
async function closeInspector() {
    if (!openedByUs)
        return;
    openedByUs = false;
    const expr = '(typeof require === "function" ? require : process.mainModule.require)("inspector").close()';
    const socket = ws;
    ws = null;
    if (socket) {
        await new Promise((resolve) => {
            const id = nextId++;
            pending.set(id, {resolve, reject: resolve});
            socket.onClose = resolve;
            setTimeout(resolve, snapshotRunning ? 120000 : 5000);
            try {
                socket.send(JSON.stringify({id, method: 'Runtime.evaluate',
                                            params: {expression: expr, includeCommandLineAPI: true}}));
            } catch (e) {
                resolve();
            }
        });
        socket.close();
    }
    for (let i = 0; i < 25; i++) {
        if (!(await listening(port))) {
            say('inspector', {state: 'closed', port});
            return;
        }
        await sleep(200);
    }
    say('inspector', {state: 'still-open', port});
}

async function finish(code, reason) {
    if (ending)
        return;
    ending = true;
    if (reason)
        say(code === 0 ? 'done' : code === 3 ? 'stopped' : 'error', {code, reason});
    for (const p of pending.values())
        p.reject(new Error('ending'));
    pending.clear();
    if (ws)
        ws.onClose = null;
    try {
        await closeInspector();
    } catch (e) {
        say('inspector', {state: 'unknown', reason: e.message});
    }
    if (lockHeld) {
        try {
            fs.unlinkSync(LOCK);
        } catch (e) {
            // already gone
        }
    }
    process.exit(code);
}

let stdinText = '';
let waitGo = null;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
    stdinText = (stdinText + d).slice(-64);
    if (waitGo && stdinText.includes('\n')) {
        const line = stdinText.split('\n')[0].trim();
        stdinText = '';
        waitGo(line);
        waitGo = null;
    }
});
// The caller (heapwatch over SSH) is gone: a cancel, a closed channel or a lost connection.
process.stdin.on('end', () => finish(3, 'stdin-closed'));
process.stdin.on('error', () => finish(3, 'stdin-closed'));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGPIPE'])
    process.on(sig, () => finish(3, sig));
process.on('uncaughtException', (e) => finish(1, e.message));
setTimeout(() => finish(5, 'timeout'), timeoutMs).unref();

async function main() {
    say('start', {node: process.version, pid: process.pid, timeout_s: timeoutMs / 1000});
    if (!takeLock())
        return finish(4, 'another-snapshot-is-running');
    const app = findApp();
    if (!app)
        return finish(1, 'no-node-process-found');
    port = inspectPort(app);
    const wasOpen = await listening(port);
    if (!wasOpen) {
        process.kill(app, 'SIGUSR1');
        openedByUs = true;
        let up = false;
        for (let i = 0; i < 50 && !up; i++) {
            await sleep(100);
            up = await listening(port);
        }
        if (!up)
            return finish(1, 'the-inspector-did-not-open-on-port-' + port);
    }
    say('inspector', {state: wasOpen ? 'was-open' : 'opened', port, pid: app});
    const list = await targets(port);
    const target = list.find((t) => t.webSocketDebuggerUrl);
    if (!target)
        return finish(1, 'no-debugger-url-in-json-list');
    ws = await connectWs(target.webSocketDebuggerUrl);
    ws.onMessage = onMessage;
    ws.onClose = () => {
        ws = null;
        if (!ending)
            finish(1, 'the-inspector-closed-the-connection');
    };
    const r = await call('Runtime.evaluate', {expression: 'JSON.stringify(process.memoryUsage())',
                                              returnByValue: true});
    const usage = JSON.parse(r.result.value);
    const ask = () => new Promise((resolve) => {
        waitGo = resolve;
        process.stdin.emit('data', ''); // the answer may have come before the question
    });
    let mem = memory();
    const figures = {pid: app, heap_used: usage.heapUsed, heap_total: usage.heapTotal, rss: usage.rss};
    say('preflight', {...figures, mem_limit: mem.limit, mem_usage: mem.usage, mem_available: mem.available});
    let answer = await ask();
    if (answer === 'count') { // the memory leaves room for a snapshot of this heap: count its objects
        const counted = await countObjects();
        mem = memory();
        say('preflight', {...figures, mem_limit: mem.limit, mem_usage: mem.usage, mem_available: mem.available,
                          objects: counted.objects, count_ms: counted.ms});
        answer = await ask();
    }
    if (answer !== 'go')
        return finish(3, 'refused-by-caller');
    await call('HeapProfiler.enable');
    const started = Date.now();
    say('snapshot', {state: 'started'});
    snapshotRunning = true;
    await call('HeapProfiler.takeHeapSnapshot', {reportProgress: true});
    snapshotRunning = false;
    const pauseMs = Date.now() - started;
    say('snapshot', {state: 'taken', bytes, pause_ms: pauseMs, heap_used: usage.heapUsed});
    await call('HeapProfiler.disable').catch(() => {});
    return finish(0, 'ok');
}

main().catch((e) => finish(1, e.message));
