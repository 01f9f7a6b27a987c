/**
 * The Salesforce DX project in examples/salesforce cannot be deployed here, so
 * what ties its files together is checked here instead: the Apex class sends
 * exactly examples/operations/LwcAccountCard.graphql (which the schema tests and
 * trusted documents know), that document is valid against the supergraph, and
 * the names the metadata files use for each other (Named Credential, External
 * Credential principal, Apex class) match, as a deploy would require.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { apiSchemaOf } from '../../lib/supergraph.js';

const root = resolve(import.meta.dirname, '../..');
const sfdx = join(root, 'examples/salesforce/force-app/main/default');
const read = (path: string): string => readFileSync(path, 'utf8');

/** The lines of the Apex `QUERY` constant (String.join of single-quoted literals), unescaped. */
function apexQuery(apex: string): string {
  const block = /String QUERY = String\.join\(\s*new List<String>\{([\s\S]*?)\},\s*'\\n'\s*\)/.exec(apex)?.[1];
  if (block === undefined) throw new Error('Customer360Controller.cls has no QUERY = String.join(new List<String>{ ... }, \'\\n\')');
  const lines = [...block.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
  return lines.join('\n');
}

/** The text of every `<tag>` element of an XML file. */
const elements = (xml: string, tag: string): string[] => [...xml.matchAll(new RegExp(`<${tag}>([^<]*)</${tag}>`, 'g'))].map((m) => m[1] ?? '');

describe('examples/salesforce', () => {
  const apex = read(join(sfdx, 'classes/Customer360Controller.cls'));
  const document = read(join(root, 'examples/operations/LwcAccountCard.graphql'));

  it('sends exactly examples/operations/LwcAccountCard.graphql, which is valid against the supergraph', () => {
    expect(apexQuery(apex)).toBe(document.replace(/\n$/, ''));
    const schema = apiSchemaOf(read(join(root, 'supergraph.graphql')));
    expect(validate(schema, parse(document)).map((e) => e.message)).toEqual([]);
    expect(document).toContain('customerByIdentity(system: SALESFORCE, id: $recordId)');
    expect(apex).toContain(`'operationName' => 'LwcAccountCard'`);
  });

  it('calls through the Named Credential, whose External Credential principal the permission set grants', () => {
    expect(apex).toContain(`'callout:RetailSupergraph/graphql'`);
    const named = read(join(sfdx, 'namedCredentials/RetailSupergraph.namedCredential-meta.xml'));
    expect(elements(named, 'externalCredential')).toEqual(['RetailSupergraph']);
    expect(elements(named, 'generateAuthorizationHeader')).toEqual(['true']);

    const external = read(join(sfdx, 'externalCredentials/RetailSupergraph.externalCredential-meta.xml'));
    const principals = [...external.matchAll(/<parameterName>([^<]+)<\/parameterName>\s*<parameterType>NamedPrincipal<\/parameterType>/g)].map((m) => m[1]);
    expect(principals).toEqual(['Integration']);
    // No secret in source: client id and secret are entered on the principal in Setup.
    expect(external).not.toMatch(/secret<\/parameterName>|ClientSecret<\/parameterType>|clientId/i);

    const permissions = read(join(sfdx, 'permissionsets/Customer360Card.permissionset-meta.xml'));
    expect(elements(permissions, 'externalCredentialPrincipal')).toEqual(['RetailSupergraph-Integration']);
    expect(elements(permissions, 'apexClass')).toEqual(['Customer360Controller']);
  });

  it('puts the card on the Account record page, wired to the Apex method', () => {
    const meta = read(join(sfdx, 'lwc/customer360Card/customer360Card.js-meta.xml'));
    expect(elements(meta, 'target')).toEqual(['lightning__RecordPage']);
    expect(elements(meta, 'object')).toEqual(['Account']);
    expect(read(join(sfdx, 'lwc/customer360Card/customer360Card.js'))).toContain(`from '@salesforce/apex/Customer360Controller.getCustomer360'`);
    expect(apex).toMatch(/@AuraEnabled\(cacheable=true\)\s*public static String getCustomer360\(Id recordId\)/);
  });
});
