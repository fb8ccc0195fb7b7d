import { logicalIdOf, TerraformStack, type TerraformResource } from './cdktf';

const movesByStack = new WeakMap<TerraformStack, { from: string; to: string }[]>();

/**
 * Tells Terraform that `resource` used to live at address `from` (a `moved` block), so a rename
 * of a construct path moves state instead of destroying and re-creating the resource.
 *
 * Written as a plain stack-level `moved` list rather than with cdktf's `moveFromId`, which adds a
 * validation that runs `terraform version` at every synth. All moves of a stack accumulate in one
 * list (a second `addOverride('moved', ...)` would otherwise replace the first).
 */
export function moveFrom(resource: TerraformResource, from: string): void {
  const stack = TerraformStack.of(resource);
  const moves = movesByStack.get(stack) ?? [];
  moves.push({ from, to: `${resource.terraformResourceType}.${resource.friendlyUniqueId}` });
  movesByStack.set(stack, moves);
  stack.addOverride('moved', [...moves]);
}

/**
 * {@link moveFrom} for a resource that used to live at construct path `oldPath` (the ids below
 * its stack, e.g. `['Cache', 'Client-gpb-gateway-gateway']`), whose address cdktf derives the
 * same way it derives every address.
 */
export function moveFromPath(resource: TerraformResource, oldPath: readonly string[]): void {
  moveFrom(resource, `${resource.terraformResourceType}.${logicalIdOf(oldPath)}`);
}
