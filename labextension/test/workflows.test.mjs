import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dependsNames, taskEdges } from '../lib/workflows/depends.js';

test('depends expressions name their tasks once, without result suffixes', () => {
  assert.deepEqual(dependsNames('A && (B.Succeeded || C.Failed) && !D.Skipped && A'), ['A', 'B', 'C', 'D']);
  assert.deepEqual(dependsNames(''), []);
  assert.deepEqual(dependsNames(undefined), []);
});

test('edges come from depends or the older dependencies list', () => {
  const tasks = [{ name: 'A' }, { name: 'B', depends: 'A' }, { name: 'C', dependencies: ['A', 'B'] }];
  assert.deepEqual(taskEdges(tasks), [['A', 'B'], ['A', 'C'], ['B', 'C']]);
});
