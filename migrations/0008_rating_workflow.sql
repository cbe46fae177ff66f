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
