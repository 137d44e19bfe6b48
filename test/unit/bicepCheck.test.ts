/**
 * The infra check catches what a Bicep compiler and Azure would refuse: each case mutates one line of the
 * real infra (or of a file the Bicep loads) and expects the check to name the fault. The unmutated infra
 * passing the same check is asserted in infra.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TypeLibrary } from '../support/bicep/azureTypes';
import { type Finding, type Rule, checkInfra } from '../support/bicep/check';
import { sourcesFrom } from '../support/bicep/program';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const types = new TypeLibrary(join(root, 'test', 'fixtures', 'azure-resource-types'));

async function findingsAfter(file: string, from: string | RegExp, to: string): Promise<Finding[]> {
  const original = readFileSync(join(infra, file), 'utf8');
  expect(original, `${file} holds the text to mutate`).toMatch(from);
  const mutated = original.replace(from, to);
  const { findings } = await checkInfra({
    sources: sourcesFrom(infra, { [file]: mutated }),
    types,
    parametersFile: 'main.parameters.json',
  });
  return findings;
}

interface Mutation {
  readonly name: string;
  readonly file: string;
  readonly from: string | RegExp;
  readonly to: string;
  readonly rule: Rule;
  /** The file the finding is in (the one mutated unless the Bicep loads it from another). */
  readonly reportedIn?: string;
  /** Text the finding's message must contain. */
  readonly mentions: string;
}

const MUTATIONS: readonly Mutation[] = [
  {
    name: 'a misspelled property',
    file: 'modules/cosmos.bicep',
    from: 'disableLocalAuth: true',
    to: 'disableLocalAuht: true',
    rule: 'unknown-property',
    mentions: 'properties.disableLocalAuht',
  },
  {
    name: 'a property in the wrong case',
    file: 'modules/monitoring.bicep',
    from: 'DisableLocalAuth: true',
    to: 'disableLocalAuth: true',
    rule: 'unknown-property',
    mentions: "did you mean 'DisableLocalAuth'",
  },
  {
    name: 'a read-only property',
    file: 'modules/cosmos.bicep',
    from: 'disableLocalAuth: true',
    to: "disableLocalAuth: true\n    documentEndpoint: 'https://example.net/'",
    rule: 'read-only-property',
    mentions: 'properties.documentEndpoint',
  },
  {
    name: 'a wrong enum value (closed enum)',
    file: 'modules/cosmos.bicep',
    from: "defaultConsistencyLevel: 'Session'",
    to: "defaultConsistencyLevel: 'Sesion'",
    rule: 'enum-value',
    mentions: "not 'Sesion'",
  },
  {
    name: 'a wrong enum value (open enum)',
    file: 'modules/functionApp.bicep',
    from: "ftpsState: 'Disabled'",
    to: "ftpsState: 'Disable'",
    rule: 'enum-value',
    mentions: 'siteConfig.ftpsState',
  },
  {
    name: 'a wrong discriminator (config name)',
    file: 'modules/functionApp.bicep',
    from: "name: 'appsettings'",
    to: "name: 'appsetting'",
    rule: 'enum-value',
    mentions: "not 'appsetting'",
  },
  {
    name: 'a value of the wrong type',
    file: 'modules/functionApp.bicep',
    from: 'httpsOnly: true',
    to: "httpsOnly: 'true'",
    rule: 'type-mismatch',
    mentions: 'properties.httpsOnly expects bool',
  },
  {
    name: 'an int outside its range',
    file: 'modules/cosmos.bicep',
    from: 'failoverPriority: 0',
    to: 'failoverPriority: -1',
    rule: 'value-range',
    mentions: 'failoverPriority',
  },
  {
    name: 'a required property left out',
    file: 'modules/functionApp.bicep',
    from: /\n\s*roleDefinitionId: subscriptionResourceId\([^\n]*monitoringMetricsPublisher\)/,
    to: '',
    rule: 'missing-required-property',
    mentions: 'properties.roleDefinitionId is required',
  },
  {
    name: 'a wrong enum value in the JSON the Bicep loads',
    file: 'containers.json',
    from: '"indexingMode": "consistent"',
    to: '"indexingMode": "consistant"',
    rule: 'enum-value',
    reportedIn: 'modules/cosmos.bicep',
    mentions: 'indexingPolicy.indexingMode',
  },
  {
    name: 'a resource type at an API version Azure does not define',
    file: 'modules/identity.bicep',
    from: /userAssignedIdentities@[0-9-]+/,
    to: 'userAssignedIdentities@2099-01-01',
    rule: 'unknown-resource-type',
    mentions: 'Microsoft.ManagedIdentity/userAssignedIdentities@2099-01-01',
  },
  {
    name: 'a misspelled resource type',
    file: 'modules/identity.bicep',
    from: 'Microsoft.ManagedIdentity/userAssignedIdentities@',
    to: 'Microsoft.ManagedIdentity/userAssignedIdentity@',
    rule: 'unknown-resource-type',
    mentions: 'userAssignedIdentity@',
  },
  {
    name: 'a property read that the resource type does not have',
    file: 'modules/cosmos.bicep',
    from: 'account.properties.documentEndpoint',
    to: 'account.properties.documentEndpoints',
    rule: 'unknown-property',
    mentions: 'documentEndpoints',
  },
  {
    name: 'a module parameter the module does not declare',
    file: 'main.bicep',
    from: 'databaseName: cosmosDatabaseName',
    to: 'databaseNames: cosmosDatabaseName',
    rule: 'unknown-module-parameter',
    mentions: "no parameter 'databaseNames'",
  },
  {
    name: 'a required module parameter not passed',
    file: 'main.bicep',
    from: 'databaseName: cosmosDatabaseName',
    to: 'databaseNames: cosmosDatabaseName',
    rule: 'missing-module-parameter',
    mentions: "required parameter 'databaseName'",
  },
  {
    name: 'a module parameter outside its @allowed values',
    file: 'main.bicep',
    from: 'capacityMode: cosmosCapacityMode',
    to: "capacityMode: 'provisioned'",
    rule: 'parameter-value',
    mentions: "not 'provisioned'",
  },
  {
    name: 'an unknown module output',
    file: 'main.bicep',
    from: 'cosmos.outputs.databaseName',
    to: 'cosmos.outputs.database',
    rule: 'unknown-module-output',
    mentions: "no output 'database'",
  },
  {
    name: 'an unused parameter',
    file: 'modules/identity.bicep',
    from: /$/,
    to: "\n@description('Optional. Spare.')\nparam spare string = ''\n",
    rule: 'unused-parameter',
    mentions: 'param spare',
  },
  {
    name: 'an unused variable',
    file: 'modules/identity.bicep',
    from: /$/,
    to: "\nvar spare = 'x'\n",
    rule: 'unused-variable',
    mentions: 'var spare',
  },
  {
    name: 'a name that is not declared',
    file: 'main.bicep',
    from: 'identity.outputs.clientId',
    to: 'identty.outputs.clientId',
    rule: 'unknown-symbol',
    mentions: "'identty'",
  },
  {
    name: 'a syntax error',
    file: 'modules/storage.bicep',
    from: 'allowBlobPublicAccess: false',
    to: 'allowBlobPublicAccess: false,,',
    rule: 'syntax',
    mentions: 'parse',
  },
  {
    name: 'a parameters file entry main.bicep does not declare',
    file: 'main.parameters.json',
    from: '"authAudience": {',
    to: '"authAudiences": {',
    rule: 'parameters-file',
    mentions: 'authAudiences is not a parameter',
  },
];

describe('infra check mutations', () => {
  it.each(MUTATIONS)('fails on $name', async (mutation) => {
    const findings = await findingsAfter(mutation.file, mutation.from, mutation.to);
    const reportedIn = mutation.reportedIn ?? mutation.file;
    const named = findings.filter(
      (f) => f.rule === mutation.rule && f.file === reportedIn && f.message.includes(mutation.mentions),
    );
    expect(named, JSON.stringify(findings, null, 2)).not.toHaveLength(0);
  });

  it('reports a finding with its file, line and column', async () => {
    const findings = await findingsAfter('modules/cosmos.bicep', 'disableLocalAuth: true', 'disableLocalAuht: true');
    const lines = readFileSync(join(infra, 'modules/cosmos.bicep'), 'utf8').split('\n');
    const line = lines.findIndex((text) => text.includes('disableLocalAuth: true')) + 1;
    expect(findings).toContainEqual({
      file: 'modules/cosmos.bicep',
      line,
      column: (lines[line - 1] ?? '').indexOf('true') + 1,
      rule: 'unknown-property',
      message: expect.stringMatching(
        /^properties\.disableLocalAuht is not a property of DatabaseAccountCreateUpdate/,
      ) as string,
    });
  });
});
