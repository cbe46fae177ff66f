/** The fields a red-line rule is written with: a rule read back has more (id, code, tenant), which a write refuses. */
export const ruleFields = ({ title, description, mode, source, threshold, enabled, sortOrder }: Record<string, any>) => ({
  title,
  description,
  mode,
  source,
  threshold,
  enabled,
  sortOrder,
});
