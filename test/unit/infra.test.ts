/**
 * The app and its infrastructure agree: the containers the Bicep creates are the app's (one JSON file),
 * the app settings the Bicep sets are exactly what the configuration requires in Azure, and the Bicep keeps
 * the house rules (described parameters, secure defaults, no keys). Renaming either side fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AZURE_OPTIONAL_SETTINGS, AZURE_REQUIRED_SETTINGS, CONFIG_VARIABLES, parseConfig } from '../../src/config';
import { CONTAINER_NAMES } from '../../src/store/containers';
import definitions from '../../infra/containers.json';
import { TypeLibrary } from '../support/bicep/azureTypes';
import { apiVersionAdvice, checkInfra } from '../support/bicep/check';
import { sourcesFrom } from '../support/bicep/program';

const root = join(__dirname, '..', '..');
const infra = join(root, 'infra');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const bicepFiles = ['infra/main.bicep', ...readdirSync(join(infra, 'modules')).map((file) => `infra/modules/${file}`)];

/** The keys of the object literal that follows `label: {` in a Bicep file. */
function objectKeys(text: string, label: string): string[] {
  const start = text.indexOf(`${label}: {`);
  if (start < 0) throw new Error(`no '${label}: {' in the Bicep`);
  const body = text.slice(start + label.length + 3, text.indexOf('}', start));
  return [...body.matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:/gm)].map((match) => match[1] ?? '');
}

describe('app settings', () => {
  const main = read('infra/main.bicep');
  const set = objectKeys(main, 'appSettings');

  it('sets every setting the configuration requires in Azure', () => {
    for (const name of AZURE_REQUIRED_SETTINGS) expect(set).toContain(name);
  });

  it('sets only settings the configuration reads', () => {
    const known = [...AZURE_REQUIRED_SETTINGS, ...AZURE_OPTIONAL_SETTINGS];
    for (const name of set) expect(known).toContain(name);
    for (const name of known) expect(CONFIG_VARIABLES).toContain(name);
  });

  it('makes a configuration that parses in Azure', () => {
    const sample: Record<string, string> = {
      COSMOS_ENDPOINT: 'https://cosmos-abc.documents.azure.com:443/',
      COSMOS_DATABASE: 'graph-analytics',
      AZURE_CLIENT_ID: '0d3c1b2a-0000-4000-8000-000000000001',
      AUTH_AUDIENCE: 'api://0d3c1b2a-0000-4000-8000-000000000002,0d3c1b2a-0000-4000-8000-000000000002',
      AUTH_ALLOWED_TENANTS: '',
    };
    const env = Object.fromEntries(set.map((name) => [name, sample[name] ?? '']));
    const config = parseConfig({ ...env, WEBSITE_INSTANCE_ID: 'instance' });
    expect(config.auth.issuer.kind).toBe('entra');
    expect(config.cosmos?.key).toBeUndefined();
    expect(config.cosmos?.managedIdentityClientId).toBe(sample.AZURE_CLIENT_ID);
  });

  it('gives the host identity-based storage and telemetry settings', () => {
    const app = read('infra/modules/functionApp.bicep');
    for (const name of [
      'AzureWebJobsStorage__blobServiceUri',
      'AzureWebJobsStorage__credential',
      'AzureWebJobsStorage__clientId',
      'APPLICATIONINSIGHTS_CONNECTION_STRING',
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    ]) {
      expect(app).toContain(`${name}:`);
    }
    expect(app).not.toMatch(/AzureWebJobsStorage:/);
    // By account name the host would probe queues and tables too, which the identity has no role for.
    expect(app).not.toMatch(/AzureWebJobsStorage__(accountName|queueServiceUri|tableServiceUri):/);
  });
});

describe('containers', () => {
  it('are created by the Bicep from the file the app reads', () => {
    expect(read('infra/modules/cosmos.bicep')).toContain("loadJsonContent('../containers.json').containers");
    expect(definitions.containers.map((c) => c.name).sort()).toEqual([...CONTAINER_NAMES].sort());
  });
});

describe('Bicep house rules', () => {
  it.each(bicepFiles)('%s describes every parameter as Required (no default) or Optional (a default)', (file) => {
    const lines = read(file).split('\n');
    lines.forEach((line, index) => {
      const param = /^param\s+(\w+)\s+\w+(\s*=.*)?$/.exec(line.trim());
      if (param === null) return;
      // A parameter's decorators are the lines between it and the blank line before it.
      const decorators: string[] = [];
      for (let i = index - 1; i >= 0 && (lines[i]?.trim() ?? '') !== ''; i -= 1) decorators.push(lines[i] ?? '');
      const description = decorators.find((d) => d.trim().startsWith('@description('));
      expect(description, `${file}: param ${param[1]}`).toMatch(/@description\('(Required|Optional)\. /);
      const required = description?.includes("'Required. ") === true;
      expect(param[2] === undefined, `${file}: param ${param[1]} default`).toBe(required);
    });
  });

  it('keeps secure defaults', () => {
    const storage = read('infra/modules/storage.bicep');
    expect(storage).toContain('allowSharedKeyAccess: false');
    expect(storage).toContain('allowBlobPublicAccess: false');
    expect(storage).toContain("minimumTlsVersion: 'TLS1_2'");
    const cosmos = read('infra/modules/cosmos.bicep');
    expect(cosmos).toContain('disableLocalAuth: true');
    expect(cosmos).toContain("minimalTlsVersion: 'Tls12'");
    expect(cosmos).toContain("param capacityMode string = 'serverless'");
    const app = read('infra/modules/functionApp.bicep');
    expect(app).toContain('httpsOnly: true');
    expect(app).toContain("minTlsVersion: '1.2'");
    expect(app).toContain("ftpsState: 'Disabled'");
    expect(app.match(/allow: false/g)).toHaveLength(2);
    expect(app).toContain("tier: 'FlexConsumption'");
    expect(app).toMatch(/name: 'node'\s+version: '22'/);
    expect(read('infra/modules/monitoring.bicep')).toContain('DisableLocalAuth: true');
  });

  it('holds no key, connection string or secret literal', () => {
    for (const file of [...bicepFiles, 'infra/main.parameters.json', 'local.settings.sample.json']) {
      const text = read(file);
      expect(text, file).not.toMatch(
        /AccountKey=|SharedAccessSignature|DefaultEndpointsProtocol|listKeys\(|primaryMasterKey|InstrumentationKey=/i,
      );
    }
  });

  it("gives the developer's role assignments the principal type azd signs in as", () => {
    expect(read('infra/main.parameters.json')).toContain('"value": "${AZURE_PRINCIPAL_TYPE=User}"');
    for (const file of bicepFiles) {
      const text = read(file);
      for (const match of text.matchAll(/principalId: (\w+)\s+principalType: ([^\n]+)/g)) {
        const [, principal, type] = match;
        if (principal === 'developerPrincipalId') expect(type, file).toBe('developerPrincipalType');
        else expect(type, file).toBe("'ServicePrincipal'");
      }
    }
  });

  it('creates the Cosmos DB role assignments one at a time, after the containers', () => {
    const cosmos = read('infra/modules/cosmos.bicep');
    expect(cosmos).toMatch(/@batchSize\(1\)\s+resource dataContributors /);
    expect(cosmos).toMatch(
      /resource dataContributors [^\n]+\n[^\n]+\n\s+parent: account\s+dependsOn: \[\s+sqlContainers\s+\]/,
    );
  });

  it('is deployed by azd as the function service api', () => {
    const azure = read('azure.yaml');
    expect(azure).toMatch(/services:\s+api:\s+project: \.\s+language: ts\s+host: function\s/);
    expect(read('infra/main.parameters.json')).toContain('${AUTH_AUDIENCE}');
    expect(read('infra/main.bicep')).toContain("'azd-env-name': environmentName");
    expect(read('infra/modules/functionApp.bicep')).toContain("'azd-service-name': 'api'");
  });
});

describe('infra check (syntax, names, modules, Azure resource types)', () => {
  // Azure's resource type definitions, as Bicep's type checker reads them (test/fixtures/azure-resource-types).
  const types = new TypeLibrary(join(root, 'test', 'fixtures', 'azure-resource-types'));
  const checked = checkInfra({ sources: sourcesFrom(infra), types, parametersFile: 'main.parameters.json' });

  it('reaches every Bicep file from main.bicep', async () => {
    const { program } = await checked;
    expect([...program.files.keys()].map((path) => `infra/${path}`).sort()).toEqual([...bicepFiles].sort());
  });

  it('finds nothing wrong', async () => {
    const { findings } = await checked;
    const lines = findings.map((f) => `infra/${f.file}:${f.line}:${f.column} ${f.rule}: ${f.message}`);
    expect(lines).toEqual([]);
  });

  it('uses, for each resource, the newest API version in the definitions that passes', async () => {
    const { program } = await checked;
    expect(apiVersionAdvice(program, types, { parametersFile: 'main.parameters.json' })).toEqual([]);
  });
});
