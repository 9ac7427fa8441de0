// The krew manifest plugin/netpol.yaml agrees with the package and with scripts/package.sh: name,
// version, the archive's name in the uri, a real sha256, and a bin that the archive will hold.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessSync, constants, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repo } from './run.js';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    version: string;
    homepage: string;
    shortDescription: string;
    description: string;
    caveats: string;
    platforms: {
      selector: { matchExpressions: { key: string; operator: string; values: string[] }[] };
      uri: string;
      sha256: string;
      files: { from: string; to: string }[];
      bin: string;
    }[];
  };
}

const manifest = parse(readFileSync(`${repo}plugin/netpol.yaml`, 'utf8')) as Manifest;
const pkg = JSON.parse(readFileSync(`${repo}package.json`, 'utf8')) as { version: string };
const packageScript = readFileSync(`${repo}scripts/package.sh`, 'utf8');
const platform = manifest.spec.platforms[0];

const cases: { name: string; check: () => void }[] = [
  { name: 'kind and apiVersion', check: () => assert.deepEqual([manifest.apiVersion, manifest.kind], ['krew.googlecontainertools.github.com/v1alpha2', 'Plugin']) },
  { name: 'metadata.name is the file name', check: () => assert.equal(`${manifest.metadata.name}.yaml`, 'netpol.yaml') },
  { name: 'spec.version is package.json\'s with a v', check: () => assert.equal(manifest.spec.version, `v${pkg.version}`) },
  { name: 'one platform: linux and darwin', check: () => assert.deepEqual(manifest.spec.platforms.map((p) => p.selector.matchExpressions), [[{ key: 'os', operator: 'In', values: ['linux', 'darwin'] }]]) },
  {
    name: 'the uri names the archive package.sh builds for this version',
    check: () => {
      assert.match(platform?.uri ?? '', new RegExp(`^https://github\\.com/[^/]+/[^/]+/releases/download/v${pkg.version}/kubectl-netpol-v${pkg.version}\\.tar\\.gz$`));
      assert.match(packageScript, /NAME="kubectl-netpol-v\$VERSION"/);
      assert.ok(platform?.uri.startsWith(`${manifest.spec.homepage}/releases/`), 'the release is the homepage\'s');
    },
  },
  { name: 'sha256 is a real digest (written by package.sh)', check: () => assert.match(platform?.sha256 ?? '', /^(?!0{64})[0-9a-f]{64}$/) },
  {
    name: 'the bin is in the archive and executable',
    check: () => {
      // package.sh puts everything under kubectl-netpol/ and krew copies that folder's content to the install root.
      assert.deepEqual(platform?.files, [{ from: 'kubectl-netpol/*', to: '.' }]);
      assert.equal(platform?.bin, 'plugin/kubectl-netpol');
      assert.match(packageScript, /cp plugin\/kubectl-netpol plugin\/kubectl_complete-netpol "\$stage\/plugin\/"/);
      accessSync(`${repo}${platform?.bin ?? ''}`, constants.X_OK);
    },
  },
  {
    name: 'caveats name Node.js and the manual completion step',
    check: () => {
      assert.match(manifest.spec.caveats, /Node\.js >= 20/);
      assert.match(manifest.spec.caveats, /kubectl_complete-netpol/);
      assert.match(manifest.spec.caveats, new RegExp(`store/netpol/v${pkg.version.replace(/\./g, '\\.')}/plugin/kubectl_complete-netpol`));
    },
  },
  { name: 'shortDescription is short', check: () => assert.ok(manifest.spec.shortDescription.length <= 50, manifest.spec.shortDescription) },
];

for (const c of cases) test(`krew manifest: ${c.name}`, c.check);
