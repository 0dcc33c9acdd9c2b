import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import kafkajs from 'kafkajs';
import { classifyError, describeError, SluiceError } from './errors.ts';
import { backoffDelay, retry } from './retry.ts';

const { KafkaJSConnectionError, KafkaJSNonRetriableError } = kafkajs;

describe('error taxonomy', () => {
  it('classifies what components meet', () => {
    const cases: [unknown, string, string][] = [
      [
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:19092'), { code: 'ECONNREFUSED' }),
        'ING_NETWORK',
        'retriable',
      ],
      [new KafkaJSConnectionError('Connection error'), 'ING_KAFKA_UNAVAILABLE', 'retriable'],
      [new KafkaJSNonRetriableError('Topic authorization failed'), 'ING_KAFKA_REJECTED', 'fatal'],
      [
        Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
        'ING_DB_UNAVAILABLE',
        'retriable',
      ],
      [
        Object.assign(new Error('invalid input syntax for type uuid'), { code: '22P02' }),
        'ING_DB_REJECTED',
        'poison',
      ],
      [new TypeError("Cannot read properties of undefined (reading 'x')"), 'ING_PROGRAMMING', 'fatal'],
      [new Error('something nobody expected'), 'ING_UNCLASSIFIED', 'retriable'],
    ];
    for (const [error, code, disposition] of cases) {
      const classified = classifyError(error);
      assert.equal(classified.code, code, String(error));
      assert.equal(classified.disposition, disposition, String(error));
      assert.equal(classified.cause, error);
    }
  });

  it('keeps a SluiceError as raised, with its coordinates', () => {
    const error = new SluiceError('ING_SERDE_INVALID', 'bad magic byte', {
      coordinates: { topic: 't', partition: 1, offset: '42' },
    });
    assert.equal(classifyError(error), error);
    assert.equal(error.disposition, 'poison');
    assert.equal(error.retriable, false);
  });

  it('describes an error with its causes in one line', () => {
    const error = new SluiceError('ING_NETWORK', 'registry unreachable', {
      cause: new Error('ECONNREFUSED'),
    });
    assert.equal(describeError(error), 'registry unreachable: ECONNREFUSED');
  });
});

describe('retry', () => {
  it('retries retriable errors and returns the result', async () => {
    let calls = 0;
    const result = await retry(
      async () => {
        calls += 1;
        if (calls < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return 'ok';
      },
      { initialDelayMs: 1, maxDelayMs: 5 },
    );
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
  });

  it('never retries poison, fatal or programming errors', async () => {
    for (const error of [new SluiceError('ING_VALIDATION_FAILED', 'bad'), new TypeError('bug')]) {
      let calls = 0;
      await assert.rejects(
        retry(async () => {
          calls += 1;
          throw error;
        }),
      );
      assert.equal(calls, 1);
    }
  });

  it('gives up after the budget with the last error', async () => {
    let calls = 0;
    await assert.rejects(
      retry(
        async () => {
          calls += 1;
          throw new SluiceError('ING_TIMEOUT', `attempt ${calls}`);
        },
        { retries: 2, initialDelayMs: 1, maxDelayMs: 2 },
      ),
      /attempt 3/,
    );
  });

  it('backs off exponentially with jitter, capped', () => {
    const options = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };
    for (let i = 0; i < 50; i++) {
      const first = backoffDelay(0, options);
      assert.ok(first >= 50 && first <= 100);
      const late = backoffDelay(10, options);
      assert.ok(late >= 500 && late <= 1000);
    }
  });
});
