// An app that holds many small objects, for bench_heapsnapshot: COUNT records of the class BenchRecord
// (each with a string of its own), a snapshot, then a tenth more, and a second snapshot.
//
//   node heapsnapshot-app.js OUTDIR COUNT
'use strict';
const v8 = require('v8');
const path = require('path');

class BenchRecord {
    constructor(i) {
        this.id = i;
        this.name = 'record-' + i;
        this.next = null;
    }
}

const [outDir, countText = '1000000'] = process.argv.slice(2);
const count = Number(countText);
const records = [];
const grow = (n) => {
    for (let i = 0; i < n; i++) {
        const r = new BenchRecord(records.length);
        if (records.length)
            records[records.length - 1].next = r;
        records.push(r);
    }
};
grow(count);
const base = v8.writeHeapSnapshot(path.join(outDir, 'base.heapsnapshot'));
grow(Math.floor(count / 10));
const grown = v8.writeHeapSnapshot(path.join(outDir, 'grown.heapsnapshot'));
process.stdout.write(JSON.stringify({files: [base, grown], counts: [count, records.length]}) + '\n');
