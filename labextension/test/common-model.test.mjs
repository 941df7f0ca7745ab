import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorMessage, PolledModel } from '../lib/common/model.js';

/** A model whose load() answers from a queue: a value, or an Error to throw. */
class Scripted extends PolledModel {
  constructor(answers) {
    super('test:scripted', { interval: 60 * 60 * 1000, max: 60 * 60 * 1000 });
    this.answers = answers;
    this.value = null;
  }
  async load() {
    const next = this.answers.shift();
    if (next instanceof Error) {
      throw next;
    }
    this.value = next;
  }
}

test('a failed refresh keeps the last data, exposes the message, and a later success clears it', async () => {
  // Given a model that loads 1, then fails, then loads 2
  const model = new Scripted([1, new Error('server said no'), 2]);
  let changes = 0;
  model.changed.connect(() => changes++);

  // When it refreshes three times
  await model.refresh();
  assert.equal(model.value, 1);
  assert.equal(model.error, null);
  await assert.rejects(model.refresh(), /server said no/);

  // Then the failure kept the data and told the panel, and the success cleared the error
  assert.equal(model.value, 1);
  assert.equal(model.error, 'server said no');
  await model.refresh();
  assert.equal(model.value, 2);
  assert.equal(model.error, null);
  assert.equal(changes, 3);
  model.dispose();
  assert.equal(model.isDisposed, true);
  model.dispose(); // disposing twice is harmless
});

test('errorMessage reads Errors and anything else', () => {
  assert.equal(errorMessage(new Error('boom')), 'boom');
  assert.equal(errorMessage('plain'), 'plain');
  assert.equal(errorMessage(404), '404');
});
