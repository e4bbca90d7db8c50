import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { captureLogs } from './logs.js';

describe('captureLogs', () => {
  it('parses every JSON line, also when a line arrives in several chunks', () => {
    const logs = captureLogs();
    expect(logs.lines()).toEqual([]);
    logs.stream.write('{"level":30,"msg":"first"}\n{"level":40,');
    logs.stream.write('"msg":"second"}\n');
    expect(logs.lines()).toEqual([
      { level: 30, msg: 'first' },
      { level: 40, msg: 'second' },
    ]);
    expect(logs.text()).toBe('{"level":30,"msg":"first"}\n{"level":40,"msg":"second"}\n');
  });

  it('captures what a pino logger writes', () => {
    const logs = captureLogs();
    const logger = pino({ level: 'debug', base: { service: 'svc' } }, logs.stream);
    logger.debug({ requestId: 'r1' }, 'hello');
    logger.child({ tenant: 'acme' }).warn('careful');
    logger.trace('not at this level');
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 20, service: 'svc', requestId: 'r1', msg: 'hello' }),
      expect.objectContaining({ level: 40, service: 'svc', tenant: 'acme', msg: 'careful' }),
    ]);
    expect(logs.text()).not.toContain('not at this level');
  });

  it('keeps separate captures apart', () => {
    const one = captureLogs();
    const two = captureLogs();
    one.stream.write('{"n":1}\n');
    expect(two.lines()).toEqual([]);
    expect(two.text()).toBe('');
  });
});
