import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// electron-builder.yml read as electron-builder reads it: with the js-yaml its
// app-builder-lib loads (util/config/load.js), checked against that package's own schema.
const root = join(import.meta.dirname, '..', '..');
const fromBuilder = createRequire(join(root, 'node_modules', 'app-builder-lib', 'package.json'));
const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(readFileSync(fromBuilder.resolve('./scheme.json'), 'utf8')) as {
  properties: Record<string, unknown>;
  definitions: { FuseOptionsV1: { properties: Record<string, unknown> } };
};

describe('electron-builder.yml: the Electron fuses of the packaged app', () => {
  const fuses = config.electronFuses as Record<string, boolean>;

  it('turns off running as Node, NODE_OPTIONS and --inspect, and loads the app only from its checked ASAR', () => {
    expect(fuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    expect(config.asar).toBe(true);
  });

  it("names only fuses electron-builder knows (a misspelt key would be no fuse at all)", () => {
    expect(schema.properties).toHaveProperty('electronFuses');
    const known = Object.keys(schema.definitions.FuseOptionsV1.properties);
    for (const key of Object.keys(fuses)) expect(known, key).toContain(key);
  });
});
