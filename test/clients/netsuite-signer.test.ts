import { describe, it, expect } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { oauthEncode, oauthSignature, signatureBaseString, tbaAuthorization } from '../../lib/clients/netsuite.js';
import { SANDBOX_TBA, TbaVerifier } from '../../sandbox/netsuite/oauth.js';

describe('OAuth 1.0a signer', () => {
  // The worked example of Twitter's "Creating a signature" guide (HMAC-SHA1), a widely
  // reproduced RFC 5849 vector: query and form parameters, and characters that need
  // RFC 3986 encoding (space, +, comma, !).
  const params: Array<[string, string]> = [
    ['status', 'Hello Ladies + Gentlemen, a signed OAuth request!'],
    ['oauth_consumer_key', 'xvz1evFS4wEEPTGEFPHBog'],
    ['oauth_nonce', 'kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg'],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', '1318622958'],
    ['oauth_token', '370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb'],
    ['oauth_version', '1.0'],
  ];
  const base = signatureBaseString('post', 'https://api.twitter.com/1/statuses/update.json?include_entities=true', params);

  it('builds the RFC 5849 base string', () => {
    expect(base).toBe(
      'POST&https%3A%2F%2Fapi.twitter.com%2F1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521',
    );
  });

  it('signs it with the published signature', () => {
    expect(oauthSignature(base, 'kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE', 'sha1')).toBe(
      'tnnArxj06cWHq44gCs1OSKk/jLY=',
    );
  });

  it('builds the base string of RFC 5849 section 3.4.1.1: repeated, encoded and empty names, a form body with +', () => {
    const oauth = Object.entries({ oauth_consumer_key: '9djdj82h48djs9d2', oauth_token: 'kkk9d7dh3k39sjv7', oauth_signature_method: 'HMAC-SHA1', oauth_timestamp: '137131201', oauth_nonce: '7d8f3e4a' });
    // The request's form body is `c2&a3=2+q`.
    expect(signatureBaseString('POST', 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', [...oauth, ...new URLSearchParams('c2&a3=2+q')])).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it("builds the base string of NetSuite's TBA example (HMAC-SHA256, step one of the authorization flow)", () => {
    // NetSuite Help Center, "Constructing the Signature for Step One of the TBA Authorization Flow" (section_157652390285).
    const params = Object.entries({
      oauth_callback: 'https://my.example.com/TBA/?callbackRequest',
      oauth_consumer_key: '60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5',
      oauth_nonce: 'bUvpxBX93OWo0FLswq5M',
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: '1575998103',
      oauth_version: '1.0',
      role: '45678',
    });
    expect(signatureBaseString('POST', 'https://1234567.restlets.api.netsuite.com/rest/requesttoken', params)).toBe(
      'POST&https%3A%2F%2F1234567.restlets.api.netsuite.com%2Frest%2Frequesttoken&oauth_callback%3Dhttps%253A%252F%252Fmy.example.com%252FTBA%252F%253FcallbackRequest%26oauth_consumer_key%3D60712990bc09623786e7047c226bcb3f86d49dca0b04efc21001dc76d97a81f5%26oauth_nonce%3DbUvpxBX93OWo0FLswq5M%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1575998103%26oauth_version%3D1.0%26role%3D45678',
    );
  });

  it('normalizes the base URI: lowercase host, default port dropped, query removed', () => {
    const b = signatureBaseString('GET', 'HTTPS://Example.COM:443/r%20v/x?b=2&a=1', []);
    expect(b).toBe('GET&https%3A%2F%2Fexample.com%2Fr%2520v%2Fx&a%3D1%26b%3D2');
  });

  it('encodes reserved characters as RFC 3986 requires', () => {
    expect(oauthEncode("a b!*'()~._-")).toBe('a%20b%21%2A%27%28%29~._-');
  });

  it('produces a header NetSuite (the sandbox verifier) accepts, with the realm unsigned', () => {
    const url = 'http://127.0.0.1:4102/services/rest/query/v1/suiteql?limit=1000&offset=0';
    const timestamp = Math.floor(Date.now() / 1000);
    const header = tbaAuthorization(SANDBOX_TBA, 'POST', url, { timestamp, nonce: 'n0nce' });
    expect(header).toMatch(/^OAuth realm="1234567_SB1", /);
    expect(header).toContain('oauth_signature_method="HMAC-SHA256"');
    const req = { method: 'POST', url: '/services/rest/query/v1/suiteql?limit=1000&offset=0', headers: { host: '127.0.0.1:4102', authorization: header } };
    const verifier = new TbaVerifier(SANDBOX_TBA);
    expect(() => verifier.verify(req as unknown as FastifyRequest)).not.toThrow();
    // The same nonce twice is a replay.
    expect(() => verifier.verify(req as unknown as FastifyRequest)).toThrow();
    // A different query than the one signed is refused.
    const tampered = { ...req, url: '/services/rest/query/v1/suiteql?limit=1000&offset=1000', headers: { ...req.headers, authorization: tbaAuthorization(SANDBOX_TBA, 'POST', url, { timestamp, nonce: 'other' }) } };
    expect(() => verifier.verify(tampered as unknown as FastifyRequest)).toThrow();
  });
});
