-- 不了解: a voter who does not know a member says so instead of scoring; kept keyed like the poll book
-- (WITHOUT ROWID, no time) so the report can count them and one voter says it once per subject.
CREATE TABLE `evaluation_unknown_subjects` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`voter_hash` text NOT NULL,
	`rater_group` text NOT NULL,
	`pass_hash` text,
	`submission` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `session_id`, `subject_kind`, `subject_id`, `voter_hash`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `evaluation_unknown_subjects_submission` ON `evaluation_unknown_subjects` (`tenant_id`,`session_id`,`submission`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_unknown_subjects_pass` ON `evaluation_unknown_subjects` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`pass_hash`) WHERE rater_group = 'villager' AND pass_hash IS NOT NULL;