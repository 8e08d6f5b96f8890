// Run after any dependency change: node scripts/lock-platform-stubs.js
// Adds lock entries for the other platforms' optional native packages of @swc/core and
// unrs-resolver (the package mirror here lacks those versions, so npm cannot write them itself;
// npm ci then reports them "Missing"). Entries carry os/cpu/libc so npm skips them on Linux.
const fs = require('node:fs');
const file = process.argv[2] || 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const platform = (suffix) => {
  const [os, cpuRaw, abi] = suffix.split('-');
  const cpu = { eabi: 'arm' }[cpuRaw] ?? cpuRaw;
  const entry = { os: [os === 'openharmony' ? 'openharmony' : os], cpu: [cpu] };
  if (os === 'linux' && abi) entry.libc = [abi.startsWith('musl') ? 'musl' : 'glibc'];
  return entry;
};
let added = 0;
for (const [parent, license] of [
  ['node_modules/@swc/core', 'Apache-2.0 AND MIT'],
  ['node_modules/unrs-resolver', 'MIT'],
]) {
  for (const [name, version] of Object.entries(lock.packages[parent].optionalDependencies)) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const suffix = name.replace(/^@swc\/core-|^@unrs\/resolver-binding-/, '');
    lock.packages[key] = { version, dev: true, license, optional: true, ...platform(suffix) };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en'))),
);
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} entries`);
