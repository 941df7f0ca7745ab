import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLines, groupByNamespace, nameOfSpec, specFromForm } from '../lib/environments/format.js';

test('the create form becomes an environment.yml with python, conda and pip packages', () => {
  const text = specFromForm({ name: 'sea-ice', python: '3.11', packages: 'numpy>=1.26\n\n# c', pip: 'polar-bear-counter==1.0' });
  assert.equal(
    text,
    'name: sea-ice\nchannels:\n  - conda-forge\ndependencies:\n  - python=3.11\n  - numpy>=1.26\n  - pip:\n      - polar-bear-counter==1.0\n'
  );
  assert.equal(specFromForm({ name: 'x', python: '', packages: '', pip: '' }), 'name: x\nchannels:\n  - conda-forge\ndependencies: []\n');
});

test('the name of a pasted environment.yml is found', () => {
  assert.equal(nameOfSpec('channels: []\nname: "glacier" # mine\n'), 'glacier');
  assert.equal(nameOfSpec('dependencies: []'), null);
});

test('environments are grouped by namespace, sorted', () => {
  const groups = groupByNamespace([
    { namespace: 'b', name: 'z' },
    { namespace: 'a', name: 'y' },
    { namespace: 'b', name: 'c' }
  ]);
  assert.deepEqual(groups.map(([ns, list]) => [ns, list.map(e => e.name)]), [['a', ['y']], ['b', ['c', 'z']]]);
});

test('the diff is one readable line per change', () => {
  const lines = diffLines({
    added: [{ kind: 'conda', name: 'scipy', spec: 'scipy' }],
    removed: [{ kind: 'conda', name: 'numpy', spec: 'numpy>=1' }],
    changed: [{ kind: 'pip', name: 'a', old: 'a==1', new: 'a==2' }],
    channels: null,
    variables: null,
    unchanged: false
  });
  assert.deepEqual(lines, ['+ conda scipy', '- conda numpy>=1', '~ pip a==1 → a==2']);
  assert.equal(diffLines({ added: [], removed: [], changed: [], channels: null, variables: null, unchanged: true }).length, 1);
});
