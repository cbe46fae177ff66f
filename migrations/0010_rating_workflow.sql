CREATE TABLE `member_grades` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`member_id` text NOT NULL,
	`village_id` text NOT NULL,
	`composite` integer,
	`proposed_grade` text,
	`grade` text NOT NULL,
	`reason` text,
	`meeting_on` text NOT NULL,
	`meeting_note` text NOT NULL,
	`decided_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "member_grades_unqualified" CHECK("member_grades"."grade" <> 'unqualified' OR length("member_grades"."reason") > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `member_grades_member_year` ON `member_grades` (`tenant_id`,`year`,`member_id`);--> statement-breakpoint
CREATE TABLE `official_campaigns` (
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`campaign_id` text NOT NULL,
	`designated_by` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `year`, `subject_kind`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `plaques` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`village_id` text NOT NULL,
	`kind` text NOT NULL,
	`awarded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plaques_branch_year` ON `plaques` (`tenant_id`,`year`,`village_id`);--> statement-breakpoint
CREATE TABLE `rating_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`village_id` text NOT NULL,
	`status` text NOT NULL,
	`applied_stars` integer,
	`statement` text,
	`duty_report` text,
	`nominated_at` text,
	`nominated_by` text,
	`scored_stars` integer,
	`composite` integer,
	`quota_cuts` text DEFAULT '[]' NOT NULL,
	`proposed_stars` integer,
	`proposal_reason` text,
	`proposed_at` text,
	`recheck_reason` text,
	`rechecked_by` text,
	`rechecked_at` text,
	`city_reason` text,
	`city_checked_by` text,
	`city_checked_at` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rating_entries_applied" CHECK("rating_entries"."applied_stars" IS NULL OR "rating_entries"."applied_stars" BETWEEN 1 AND 5),
	CONSTRAINT "rating_entries_proposed" CHECK("rating_entries"."proposed_stars" IS NULL OR "rating_entries"."proposed_stars" BETWEEN 1 AND 5)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rating_entries_branch` ON `rating_entries` (`tenant_id`,`year`,`village_id`);--> statement-breakpoint
CREATE INDEX `rating_entries_status` ON `rating_entries` (`tenant_id`,`year`,`status`);--> statement-breakpoint
CREATE TABLE `rating_years` (
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`step` text DEFAULT 'nomination' NOT NULL,
	`nomination_deadline` text NOT NULL,
	`notice_starts_on` text,
	`notice_ends_on` text,
	`named_at` text,
	`named_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `year`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "rating_years_year" CHECK("rating_years"."year" BETWEEN 2000 AND 2100),
	CONSTRAINT "rating_years_notice" CHECK(("rating_years"."notice_starts_on" IS NULL) = ("rating_years"."notice_ends_on" IS NULL))
);
--> statement-breakpoint
CREATE TABLE `objections` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`target` text NOT NULL,
	`problem_id` text,
	`rating_entry_id` text,
	`content` text NOT NULL,
	`contact` text,
	`created_at` text NOT NULL,
	`answer` text,
	`answered_by` text,
	`answered_at` text,
	`upheld` integer,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rating_entry_id`) REFERENCES `rating_entries`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "objections_target" CHECK(("objections"."target" = 'problem' AND "objections"."problem_id" IS NOT NULL AND "objections"."rating_entry_id" IS NULL)
      OR ("objections"."target" = 'rating' AND "objections"."rating_entry_id" IS NOT NULL AND "objections"."problem_id" IS NULL)),
	CONSTRAINT "objections_content" CHECK(length("objections"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "objections_answer" CHECK(("objections"."answer" IS NULL) = ("objections"."answered_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `objections_problem` ON `objections` (`tenant_id`,`problem_id`);--> statement-breakpoint
CREATE INDEX `objections_rating` ON `objections` (`tenant_id`,`rating_entry_id`);
--> statement-breakpoint
-- the problems' objections move into the general table (target 'problem'), then their old table goes
INSERT INTO `objections` (`id`, `tenant_id`, `target`, `problem_id`, `rating_entry_id`, `content`, `contact`, `created_at`, `answer`, `answered_by`, `answered_at`, `upheld`)
  SELECT `id`, `tenant_id`, 'problem', `problem_id`, NULL, `content`, NULL, `created_at`, `answer`, `answered_by`, `answered_at`, NULL FROM `problem_objections`;--> statement-breakpoint
DROP TABLE `problem_objections`;
--> statement-breakpoint
PRAGMA defer_foreign_keys=on;--> statement-breakpoint
CREATE TABLE `__new_role_grants` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`county_id` text,
	`city_id` text,
	`tenant_id` text,
	`village_id` text,
	`member_id` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`county_id`) REFERENCES `counties`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`city_id`) REFERENCES `cities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "role_grants_scope" CHECK(("__new_role_grants"."role" = 'platform_admin')
        OR ("__new_role_grants"."role" = 'county_viewer' AND "__new_role_grants"."county_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'county_organiser' AND "__new_role_grants"."county_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'city_organiser' AND "__new_role_grants"."city_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'township_admin' AND "__new_role_grants"."tenant_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'village_secretary' AND "__new_role_grants"."tenant_id" IS NOT NULL AND "__new_role_grants"."village_id" IS NOT NULL)
        OR ("__new_role_grants"."role" = 'party_member' AND "__new_role_grants"."tenant_id" IS NOT NULL AND "__new_role_grants"."member_id" IS NOT NULL))
);
--> statement-breakpoint
INSERT INTO `__new_role_grants`("id", "account_id", "role", "county_id", "city_id", "tenant_id", "village_id", "member_id", "created_at") SELECT "id", "account_id", "role", "county_id", NULL, "tenant_id", "village_id", "member_id", "created_at" FROM `role_grants`;--> statement-breakpoint
DROP TABLE `role_grants`;--> statement-breakpoint
ALTER TABLE `__new_role_grants` RENAME TO `role_grants`;--> statement-breakpoint
CREATE INDEX `role_grants_account` ON `role_grants` (`account_id`);--> statement-breakpoint
CREATE INDEX `role_grants_tenant` ON `role_grants` (`tenant_id`);
