import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, sluiceCache } from '../../lib/config.ts';
import { describeError, SluiceError } from '../../lib/errors.ts';
import { debianJemalloc, jemallocLibrary } from '../../lib/memory.ts';
import { step } from '../output.ts';

let aptUpdated = false;

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): { ok: boolean; output: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ?? ''}`,
  };
}

/**
 * Makes sure a Debian package is installed: installs it when running as root,
 * otherwise fails with the command a person has to run.
 */
export function ensureDebianPackage(pkg: string, probePath: string): void {
  if (existsSync(probePath)) return;
  if (process.getuid?.() !== 0) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `${probePath} not found: install the Debian package with \`sudo apt-get install ${pkg}\` (or set the service's URL variable to use an existing server)`,
    );
  }
  const aptEnv = { DEBIAN_FRONTEND: 'noninteractive' };
  step('apt', `installing ${pkg}`);
  let result = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], aptEnv);
  if (!result.ok && !aptUpdated) {
    step('apt', 'refreshing package lists (apt-get update)');
    run('apt-get', ['update', '-q'], aptEnv);
    aptUpdated = true;
    result = run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], aptEnv);
  }
  if (!result.ok || !existsSync(probePath)) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `apt-get install ${pkg} failed:\n${result.output.trim().split('\n').slice(-10).join('\n')}`,
    );
  }
}

/**
 * jemalloc for Sluice's own Node processes (lib/memory.ts `memoryEnv`), from Debian's
 * `libjemalloc2`. Where it cannot be installed (not root, no apt) they run on glibc's malloc,
 * which keeps more memory after a burst: a note says so, nothing fails.
 */
export function ensureJemalloc(): void {
  if (process.platform !== 'linux' || jemallocLibrary()) return;
  try {
    ensureDebianPackage('libjemalloc2', debianJemalloc);
  } catch (err) {
    step('jemalloc', `not installed, Sluice's processes use glibc's malloc: ${describeError(err)}`);
  }
}

/**
 * Runs Maven on a committed pom under deploy/local to fetch a Java server from Maven Central
 * into the cache (outside the repo). Done once per cache name: a marker file records success.
 */
export function ensureMavenArtifacts(
  pomDir: string,
  cacheName: string,
  args: (target: string) => string[],
): string {
  const target = join(sluiceCache(), cacheName);
  const marker = join(target, '.resolved');
  if (existsSync(marker)) return target;
  if (spawnSync('mvn', ['-v'], { stdio: 'ignore' }).status !== 0) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      'Maven (mvn) is needed to fetch the Java servers: install it (`apt-get install maven`)',
    );
  }
  step('maven', `fetching ${cacheName} from Maven Central (first run only)`);
  mkdirSync(target, { recursive: true });
  const result = run('mvn', ['-q', '-B', '-f', join(projectRoot, pomDir, 'pom.xml'), ...args(target)]);
  if (!result.ok) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `Maven could not fetch ${cacheName}:\n${result.output.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return target;
}

/**
 * The classpath of a Java server (every runtime jar its committed pom resolves, in `lib/` of the
 * cache entry), fetched by Maven the first time; `properties` are the pom's -D settings.
 */
export function ensureMavenClasspath(pomDir: string, cacheName: string, properties: string[]): string {
  const target = ensureMavenArtifacts(pomDir, cacheName, (dir) => [
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${join(dir, 'lib')}`,
    ...properties,
  ]);
  return join(target, 'lib');
}

/**
 * A program from a Debian package, unpacked into the cache without installing the package (so
 * no service of it starts, and no root is needed): e.g. promtool and the Pushgateway for tests.
 */
export function ensureDebianBinary(pkg: string, binary: string): string {
  const dir = join(sluiceCache(), 'debian', pkg);
  const path = join(dir, binary);
  if (existsSync(path)) return path;
  step('apt', `unpacking ${pkg} into ${dir} (first run only)`);
  mkdirSync(dir, { recursive: true });
  let download = run('apt-get', ['download', '-q', pkg], {}, dir);
  if (!download.ok && !aptUpdated && process.getuid?.() === 0) {
    run('apt-get', ['update', '-q'], { DEBIAN_FRONTEND: 'noninteractive' });
    aptUpdated = true;
    download = run('apt-get', ['download', '-q', pkg], {}, dir);
  }
  const deb = readdirSync(dir).find((file) => file.startsWith(`${pkg}_`) && file.endsWith('.deb'));
  const unpacked = deb ? run('dpkg-deb', ['-x', deb, '.'], {}, dir) : download;
  if (!unpacked.ok || !existsSync(path)) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `could not unpack ${binary} from the Debian package ${pkg}:\n${unpacked.output.trim().split('\n').slice(-10).join('\n')}`,
    );
  }
  return path;
}

/**
 * A Go program built from its module on the Go proxy into the cache, once per version (kustomize,
 * Docker Compose for the deploy tests). Built inside the module, as its own main module, because
 * `go install pkg@version` refuses modules whose go.mod has replace or exclude directives.
 */
export function ensureGoTool(name: string, module: string, version: string, pkg = '.'): string {
  const binary = join(sluiceCache(), 'bin', `${name}-${version}`);
  if (existsSync(binary)) return binary;
  if (spawnSync('go', ['version'], { stdio: 'ignore' }).status !== 0) {
    throw new SluiceError('ING_STACK_INSTALL_FAILED', `Go is needed to build ${name}: install it`);
  }
  step('go', `building ${name} ${version} from ${module} (first run only; minutes)`);
  const goEnv = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const download = run('go', ['mod', 'download', '-json', `${module}@${version}`], goEnv);
  const dir = download.ok ? (JSON.parse(download.output) as { Dir?: string }).Dir : undefined;
  const build =
    dir === undefined ? download : run('go', ['build', '-trimpath', '-o', binary, pkg], goEnv, dir);
  if (!build.ok || !existsSync(binary)) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `could not build ${name} from ${module}@${version}:\n${build.output.trim().split('\n').slice(-15).join('\n')}`,
    );
  }
  return binary;
}

/** The newest installed PostgreSQL server's bin directory (Debian keeps them per major version). */
export function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((entry) => existsSync(join(base, entry, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

/** Makes sure a Python module is importable, installing it from PyPI with pip when it is not (`pipName` when PyPI names it otherwise). */
export function ensurePythonModule(module: string, pipName = module): void {
  if (spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status === 0) return;
  step('pip', `installing ${pipName}`);
  const attempts = [
    ['-m', 'pip', 'install', '--quiet', pipName],
    ['-m', 'pip', 'install', '--quiet', '--user', '--break-system-packages', pipName],
  ];
  const outputs: { ok: boolean; output: string }[] = [];
  for (const args of attempts) {
    const result = run('python3', args);
    outputs.push(result);
    if (result.ok) break;
  }
  if (spawnSync('python3', ['-c', `import ${module}`], { stdio: 'ignore' }).status !== 0) {
    throw new SluiceError(
      'ING_STACK_INSTALL_FAILED',
      `cannot install the Python module ${module} (python3 -m pip install ${pipName}):\n${outputs.map((o) => o.output.trim()).join('\n')}`,
    );
  }
}
