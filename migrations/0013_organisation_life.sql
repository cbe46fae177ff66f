CREATE TABLE `org_meeting_attendance` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`meeting_id` text NOT NULL,
	`member_id` text,
	`name` text NOT NULL,
	`status` text DEFAULT 'absent' NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`checked_in_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`meeting_id`) REFERENCES `org_meetings`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "org_meeting_attendance_leave" CHECK("org_meeting_attendance"."status" <> 'leave' OR length("org_meeting_attendance"."reason") > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `org_meeting_attendance_member` ON `org_meeting_attendance` (`meeting_id`,`member_id`);--> statement-breakpoint
CREATE INDEX `org_meeting_attendance_tenant_meeting` ON `org_meeting_attendance` (`tenant_id`,`meeting_id`);--> statement-breakpoint
CREATE TABLE `org_meeting_photos` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`meeting_id` text NOT NULL,
	`store_key` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`sha256` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`meeting_id`) REFERENCES `org_meetings`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `org_meeting_photos_tenant_meeting` ON `org_meeting_photos` (`tenant_id`,`meeting_id`);--> statement-breakpoint
CREATE TABLE `org_meetings` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`kind` text NOT NULL,
	`held_on` text NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`topic` text NOT NULL,
	`place` text DEFAULT '' NOT NULL,
	`host` text DEFAULT '' NOT NULL,
	`recorder` text DEFAULT '' NOT NULL,
	`minutes` text DEFAULT '' NOT NULL,
	`resolutions` text DEFAULT '' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "org_meetings_times" CHECK(("org_meetings"."starts_at" IS NULL) = ("org_meetings"."ends_at" IS NULL) AND ("org_meetings"."starts_at" IS NULL OR "org_meetings"."starts_at" < "org_meetings"."ends_at"))
);
--> statement-breakpoint
CREATE INDEX `org_meetings_tenant_village_held` ON `org_meetings` (`tenant_id`,`village_id`,`held_on`);--> statement-breakpoint
CREATE INDEX `org_meetings_tenant_held` ON `org_meetings` (`tenant_id`,`held_on`);--> statement-breakpoint
-- Townships whose red-line catalogue was seeded before this rule existed get it too, switched off: their past
-- meetings are not recorded yet, so it would cap every branch until they are (the township switches it on).
INSERT INTO `red_line_rules` (`id`, `tenant_id`, `code`, `title`, `description`, `mode`, `source`, `threshold`, `enabled`, `sort_order`, `created_at`, `updated_at`)
SELECT lower(hex(randomblob(10))), t.`tenant_id`, 'org_life', '“三会一课”等组织生活未按规定频次开展', '', 'computed', 'org_life', 1, 0, 100,
  strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
FROM (SELECT DISTINCT `tenant_id` FROM `red_line_rules`) t
WHERE NOT EXISTS (SELECT 1 FROM `red_line_rules` r WHERE r.`tenant_id` = t.`tenant_id` AND r.`code` = 'org_life');
