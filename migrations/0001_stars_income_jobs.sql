CREATE TABLE `annual_results` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`stage` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`village_id` text NOT NULL,
	`composite` integer,
	`complete` integer DEFAULT false NOT NULL,
	`raw_stars` integer,
	`red_lines` text DEFAULT '[]' NOT NULL,
	`final_stars` integer,
	`previous_stars` integer,
	`consequences` text DEFAULT '[]' NOT NULL,
	`income_fen` integer,
	`income_tier` text,
	`computed_at` text NOT NULL,
	`reopening_id` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "annual_results_stars" CHECK(("annual_results"."raw_stars" IS NULL OR "annual_results"."raw_stars" BETWEEN 1 AND 5)
      AND ("annual_results"."final_stars" IS NULL OR "annual_results"."final_stars" BETWEEN 1 AND 5)
      AND ("annual_results"."previous_stars" IS NULL OR "annual_results"."previous_stars" BETWEEN 1 AND 5)
      AND ("annual_results"."final_stars" IS NULL OR "annual_results"."raw_stars" IS NULL OR "annual_results"."final_stars" <= "annual_results"."raw_stars")),
	CONSTRAINT "annual_results_year" CHECK("annual_results"."year" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `annual_results_live` ON `annual_results` (`tenant_id`,`year`,`stage`,`subject_kind`,`subject_id`) WHERE reopening_id IS NULL;--> statement-breakpoint
CREATE INDEX `annual_results_tenant_village` ON `annual_results` (`tenant_id`,`village_id`,`year`);--> statement-breakpoint
CREATE TABLE `finalised_years` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`finalised_at` text NOT NULL,
	`finalised_by` text,
	`branches` integer NOT NULL,
	`members` integer NOT NULL,
	`reopening_id` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `finalised_years_live` ON `finalised_years` (`tenant_id`,`year`) WHERE reopening_id IS NULL;--> statement-breakpoint
CREATE TABLE `red_line_records` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year` integer NOT NULL,
	`note` text NOT NULL,
	`evidence` text DEFAULT '[]' NOT NULL,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	`revoked_by` text,
	`revoke_note` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rule_id`) REFERENCES `red_line_rules`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "red_line_records_year" CHECK("red_line_records"."year" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE INDEX `red_line_records_tenant_year` ON `red_line_records` (`tenant_id`,`year`,`village_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `red_line_records_active` ON `red_line_records` (`tenant_id`,`rule_id`,`village_id`,`year`) WHERE revoked_at IS NULL;--> statement-breakpoint
CREATE TABLE `red_line_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`code` text NOT NULL,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`mode` text NOT NULL,
	`source` text,
	`threshold` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "red_line_rules_computed" CHECK("red_line_rules"."mode" = 'manual' OR ("red_line_rules"."source" IS NOT NULL AND "red_line_rules"."threshold" IS NOT NULL AND "red_line_rules"."threshold" >= 0))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `red_line_rules_tenant_code` ON `red_line_rules` (`tenant_id`,`code`);--> statement-breakpoint
CREATE TABLE `year_reopenings` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`reason` text NOT NULL,
	`reopened_by` text NOT NULL,
	`created_at` text NOT NULL,
	`results_retired` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `year_reopenings_tenant_year` ON `year_reopenings` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `income_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year` integer NOT NULL,
	`category` text NOT NULL,
	`amount_fen` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "income_entries_amount" CHECK("income_entries"."amount_fen" >= 0 AND "income_entries"."amount_fen" <= 100000000000),
	CONSTRAINT "income_entries_year" CHECK("income_entries"."year" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE INDEX `income_entries_tenant_year` ON `income_entries` (`tenant_id`,`year`,`village_id`);--> statement-breakpoint
CREATE TABLE `income_entry_revisions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`entry_id` text NOT NULL,
	`version` integer NOT NULL,
	`action` text NOT NULL,
	`data` text NOT NULL,
	`actor_id` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`entry_id`) REFERENCES `income_entries`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `income_entry_revisions_version` ON `income_entry_revisions` (`entry_id`,`version`);--> statement-breakpoint
CREATE INDEX `income_entry_revisions_tenant_entry` ON `income_entry_revisions` (`tenant_id`,`entry_id`);--> statement-breakpoint
CREATE TABLE `income_targets` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`villages_at_least_low` integer NOT NULL,
	`villages_at_least_high` integer NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "income_targets_counts" CHECK("income_targets"."villages_at_least_low" >= 0 AND "income_targets"."villages_at_least_high" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `income_targets_tenant_year` ON `income_targets` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `job_run_tenants` (
	`run_id` text NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`detail` text DEFAULT '' NOT NULL,
	`finished_at` text NOT NULL,
	`duration_ms` integer NOT NULL,
	PRIMARY KEY(`run_id`, `tenant_id`),
	FOREIGN KEY (`run_id`) REFERENCES `job_runs`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "job_run_tenants_duration" CHECK("job_run_tenants"."duration_ms" >= 0)
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`trigger` text NOT NULL,
	`year` integer,
	`tenant_id` text,
	`started_by` text,
	`started_at` text NOT NULL,
	`tenants_total` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `job_runs_started` ON `job_runs` (`started_at`);--> statement-breakpoint
CREATE INDEX `job_runs_tenant` ON `job_runs` (`tenant_id`,`started_at`);