-- the problems' objections move into the general table (target 'problem'), then their old table goes
INSERT INTO `objections` (`id`, `tenant_id`, `target`, `problem_id`, `rating_entry_id`, `content`, `contact`, `created_at`, `answer`, `answered_by`, `answered_at`, `upheld`)
  SELECT `id`, `tenant_id`, 'problem', `problem_id`, NULL, `content`, NULL, `created_at`, `answer`, `answered_by`, `answered_at`, NULL FROM `problem_objections`;--> statement-breakpoint
DROP TABLE `problem_objections`;
