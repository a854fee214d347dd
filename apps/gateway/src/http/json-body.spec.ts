import { BadRequestException } from '@nestjs/common';
import { parseJsonBody } from './json-body';

function refusalOf(body: string): unknown {
  try {
    parseJsonBody(body);
  } catch (error) {
    return error instanceof BadRequestException ? error.getResponse() : error;
  }
  return undefined;
}

describe(parseJsonBody.name, () => {
  it('reads an object', () => {
    expect(parseJsonBody('{"email":"a@example.com","items":[{"quantity":2}]}')).toEqual({
      email: 'a@example.com',
      items: [{ quantity: 2 }],
    });
  });

  it('reads an empty body as an empty object, so that validation names the missing fields', () => {
    expect(parseJsonBody('')).toEqual({});
  });

  it.each([
    ['a truncated object', '{"email":'],
    ['a trailing comma', '{"email":"a@example.com",}'],
    ['a bare string', '"a@example.com"'],
    ['a bare number', '42'],
    ['whitespace only', '  \n'],
  ])('refuses %s as a malformed body', (_name, body) => {
    expect(refusalOf(body)).toMatchObject({ statusCode: 400, message: 'Malformed JSON body' });
  });

  it.each([
    ['__proto__ at the top', '{"__proto__":{"role":"admin"}}', '__proto__'],
    ['__proto__ nested', '{"shippingAddress":{"__proto__":{"x":1}}}', '__proto__'],
    ['__proto__ spelled with escapes', '{"\\u005f_proto__":{"role":"admin"}}', '__proto__'],
    ['a bare constructor', '{"name":"Eve","constructor":1}', 'constructor'],
    ['constructor.prototype', '{"constructor":{"prototype":{"role":"admin"}}}', 'constructor'],
  ])('refuses %s, naming the key', (_name, body, key) => {
    expect(refusalOf(body)).toMatchObject({
      statusCode: 400,
      message: [`property ${key} should not exist`],
    });
  });
});
