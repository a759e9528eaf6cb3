import { describe, expect, it } from 'vitest';
import type { PipelineInput } from '@switchyard/spec';
import { RequestScope, createTimeReader } from '../scope';
import { compilePredicate } from './evaluate';
import { ConditionSyntaxError } from './lexer';
import { parseCondition } from './parser';

const input: PipelineInput = {
  kind: 'chat',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello there' }], temperature: 0.2, tools: [] },
  stream: true,
  requestId: 'r1',
  headers: { 'x-tier': 'gold', 'x-priority': '5', authorization: 'Bearer sk-secretsecret', 'x-multi': ['a', 'b'] },
  principal: { method: 'api-key', id: 'key_1', userId: 'u_7', projectId: 'p_1', scopes: ['chat'], attributes: { team: 'search', quota: 10 } },
  user: { tier: 'platinum', country: 'FR', tags: ['beta', 'staff'] },
  metadata: { feature: 'summarize' },
};

// 2024-03-15 was a Friday; 13:05 UTC.
const NOW = Date.UTC(2024, 2, 15, 13, 5);

function evaluate(src: string, timeZone?: string): boolean {
  const pred = compilePredicate(parseCondition(src));
  return pred(new RequestScope(input, input.body, input.kind, input.stream, NOW, createTimeReader(timeZone)));
}

describe('condition language', () => {
  it.each([
    ['model == "gpt-4o-mini"', true],
    ["model startsWith 'gpt-4'", true],
    ['model endsWith "mini" and params.temperature < 0.5', true],
    ['params.temperature >= 1 or user.tier in ["gold", "platinum"]', true],
    ['user.tier not in ["gold"]', true],
    ['not (user.country == "FR")', false],
    ['!request.hasTools', true],
    ['request.kind == "chat" && request.stream == true', true],
    ['request.messages == 1 and request.promptChars > 5', true],
    ['headers.x-tier == "gold"', true],
    ['headers["x-priority"] > 3', true],
    ['headers.x-priority == 5', true],
    ['headers.x-multi == "a, b"', true],
    ['key.id == "key_1" and key.team == "search" and key.attributes.quota == 10', true],
    ['key.scopes contains "chat"', true],
    ['user.id == "u_7"', true],
    ['user.tags contains "beta"', true],
    ['metadata.feature matches /^summ/', true],
    ['metadata.feature matches /SUMM/i', true],
    ['metadata.missing == null', true],
    ['metadata.missing != null', false],
    ['len(user.tags) == 2 and lower(user.country) == "fr" and upper(user.tier) == "PLATINUM"', true],
    ['time.weekday == "fri" and time.hour == 13 and time.minute == 5', true],
    ['time.date == "2024-03-15" and time.time >= "09:00" and time.time < "17:30"', true],
    ['user.country in "FRANCE"', true],
    ['params.temperature > "abc"', false],
    ['params.__proto__ == null', true],
    ['params.constructor == null', true],
  ])('%s -> %s', (src, expected) => {
    expect(evaluate(src)).toBe(expected);
  });

  it('reads the time in a time zone', () => {
    expect(evaluate('time.hour == 14', 'Europe/Paris')).toBe(true);
    expect(evaluate('time.hour == 22 and time.weekday == "fri"', 'Asia/Tokyo')).toBe(true);
  });

  it('never exposes credential headers or the header map', () => {
    expect(evaluate('headers.authorization == null')).toBe(true);
    expect(evaluate('headers.Authorization == null')).toBe(true);
    expect(evaluate('headers == null')).toBe(true);
  });

  it.each([
    ['', 'empty'],
    ['model ==', 'expected a value'],
    ['model = "x"', "unexpected character '='"],
    ['foo == 1', "unknown name 'foo'"],
    ['model == "x', 'unterminated string'],
    ['model matches "("', 'invalid regular expression'],
    ['model matches /x/g', "'g' and 'y' flags"],
    ['model == /x/', "may only follow 'matches'"],
    ['(model == "x"', "expected ')'"],
    ['model == "x" model', 'unexpected'],
    ['params.[0]', "expected a field name after '.'"],
    ['user.tags[-1] == 1', 'expected a string or an index'],
  ])('refuses %j', (src, message) => {
    expect(() => parseCondition(src)).toThrow(ConditionSyntaxError);
    expect(() => parseCondition(src)).toThrow(message);
  });

  it('bounds length and nesting', () => {
    expect(() => parseCondition('('.repeat(100) + 'model' + ')'.repeat(100))).toThrow('nested too deeply');
    expect(() => parseCondition(`model == "${'x'.repeat(5000)}"`)).toThrow('longer than');
  });

  it('gives the position of an error', () => {
    expect(() => parseCondition('model == "a" and ?')).toThrow('at character 18');
  });
});
