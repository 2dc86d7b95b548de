/** `packsmith inspect builder REF`: what `pack builder inspect` shows, read from the builder's labels. */
import { Option, type Command } from '@commander-js/extra-typings';
import { inspectBuilder, type ApiVersionList, type BuilderDescription, type OrderNode } from '../../app/index.ts';
import { withEnvironment } from '../environment.ts';
import type { CliIo } from '../io.ts';
import { formatJson, formatTable, formatYamlDocuments } from '../output.ts';
import { formatToml } from '../toml-output.ts';
import { examples } from '../help.ts';
import { insecureRegistryOption } from '../repeatable-flags.ts';
import { platformOption } from '../platform-flag.ts';

function apiLines(name: string, apis: ApiVersionList): string[] {
  const list = (values: readonly string[] | null | undefined): string => (values?.length ? values.join(', ') : '(none)');
  return [`  ${name}:`, `    Deprecated: ${list(apis.deprecated)}`, `    Supported: ${list(apis.supported)}`];
}

function orderLines(groups: readonly OrderNode[][], prefix: string): string[] {
  return groups.flatMap((group, i) => {
    const lastGroup = i === groups.length - 1;
    const head = `${prefix}${lastGroup ? '└' : '├'} Group #${i + 1}:`;
    const inner = `${prefix}${lastGroup ? ' ' : '│'}  `;
    return [head, ...group.flatMap((node, j) => nodeLines(node, inner, j === group.length - 1))];
  });
}

function nodeLines(node: OrderNode, prefix: string, last: boolean): string[] {
  const name = node.version ? `${node.id}@${node.version}` : node.id;
  const line = `${prefix}${last ? '└' : '├'} ${name}${node.optional ? '    (optional)' : ''}`;
  return [line, ...orderLines(node.groups, `${prefix}${last ? ' ' : '│'}  `)];
}

// A builder index: which platforms it has and which one the rest describes.
function platformLines(d: BuilderDescription): string[] {
  return d.platforms ? [`Platforms: ${d.platforms.available.join(', ')} (an image index; shown: ${d.platforms.shown})`] : [];
}

function render(d: BuilderDescription): string {
  const buildpacks = formatTable([['  ID', 'VERSION', 'API', 'HOMEPAGE'], ...d.buildpacks.map((b) => [`  ${b.id}`, b.version, b.api ?? '', b.homepage ?? ''])]);
  const lines = [
    `Inspecting builder: ${d.reference}`,
    `Image: ${d.identifier}`,
    ...platformLines(d),
    '',
    `Description: ${d.description ?? ''}`,
    '',
    'Created By:',
    `  Name: ${d.createdBy?.name ?? ''}`,
    `  Version: ${d.createdBy?.version ?? ''}`,
    '',
    'Stack:',
    `  ID: ${d.stackId ?? '(none)'}`,
    '',
    'Lifecycle:',
    `  Version: ${d.lifecycle.version ?? '(unknown)'}`,
    ...apiLines('Buildpack APIs', d.lifecycle.apis.buildpack),
    ...apiLines('Platform APIs', d.lifecycle.apis.platform),
    '',
    'Run Images:',
    ...(d.runImages.length ? d.runImages.map((i) => `  ${i}`) : ['  (none)']),
    '',
    'Buildpacks:',
    buildpacks.trimEnd(),
    '',
    'Detection Order:',
    ...(d.order.length ? orderLines(d.order, ' ') : ['  (none)']),
  ];
  return `${lines.join('\n')}\n`;
}

interface OrderTable {
  group: Array<{ id: string; version?: string; optional?: boolean; order?: OrderTable[] }>;
}

// TOML has no lists of lists of tables: the detection order becomes `[[order]]` with `[[order.group]]`
// tables, as order.toml writes it, a meta-buildpack's own order nested the same way.
function orderTables(groups: readonly OrderNode[][]): OrderTable[] {
  return groups.map((group) => ({
    group: group.map(({ groups: nested, ...node }) => (nested.length === 0 ? node : { ...node, order: orderTables(nested) })),
  }));
}

function formatDescription(description: BuilderDescription, output: 'text' | 'json' | 'yaml' | 'toml'): string {
  switch (output) {
    case 'json':
      return formatJson(description);
    case 'yaml':
      return formatYamlDocuments([description]);
    case 'toml':
      return formatToml({ ...description, order: orderTables(description.order) });
    case 'text':
      return render(description);
  }
}

/** Registers `inspect builder`. */
export function registerInspectCommand(program: Command, io: CliIo): void {
  program
    .command('inspect')
    .description('inspect images packsmith makes')
    .command('builder')
    .description("show a builder's run image, lifecycle, buildpacks and detection order (as pack builder inspect does)")
    .addHelpText(
      'after',
      examples(
        'packsmith inspect builder registry.example.com/team/builder:latest',
        'packsmith inspect builder oci:.packsmith-samples/out/builder -o json',
        'packsmith inspect builder oci:.packsmith-samples/out/builder -o toml',
        'packsmith inspect builder registry.example.com/team/builder:latest --platform linux/arm64',
      ),
    )
    .argument('<reference>', 'the builder image: registry reference, oci:PATH[:TAG] or PATH.cnb')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'yaml', 'toml'] as const).default('text' as const))
    .addOption(insecureRegistryOption())
    .addOption(platformOption())
    .action(async (reference, options) => {
      const description = await withEnvironment(io, options.insecureRegistry, (environment) =>
        inspectBuilder(reference, { images: environment.images, keychain: environment.keychain, ...(options.platform ? { platform: options.platform } : {}) }),
      );
      io.stdout(formatDescription(description, options.output));
    });
}
