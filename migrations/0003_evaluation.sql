CREATE TABLE `evaluation_ballot_answers` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`ballot_id` text NOT NULL,
	`item_key` text NOT NULL,
	`points` integer NOT NULL,
	`max_points` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`ballot_id`) REFERENCES `evaluation_ballots`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "evaluation_ballot_answers_points" CHECK("evaluation_ballot_answers"."max_points" > 0 AND "evaluation_ballot_answers"."points" >= 0 AND "evaluation_ballot_answers"."points" <= "evaluation_ballot_answers"."max_points")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballot_answers_item` ON `evaluation_ballot_answers` (`tenant_id`,`ballot_id`,`item_key`);--> statement-breakpoint
CREATE TABLE `evaluation_ballots` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`rater_group` text NOT NULL,
	`channel` text NOT NULL,
	`points` integer NOT NULL,
	`max_points` integer NOT NULL,
	`comment` text DEFAULT '' NOT NULL,
	`voter_hash` text NOT NULL,
	`device_hash` text,
	`client_key` text NOT NULL,
	`receipt` text NOT NULL,
	`seq` integer NOT NULL,
	`prev_hash` text,
	`hash` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_ballots_points" CHECK("evaluation_ballots"."max_points" > 0 AND "evaluation_ballots"."points" >= 0 AND "evaluation_ballots"."points" <= "evaluation_ballots"."max_points"),
	CONSTRAINT "evaluation_ballots_seq_positive" CHECK("evaluation_ballots"."seq" >= 1),
	CONSTRAINT "evaluation_ballots_comment" CHECK(length("evaluation_ballots"."comment") <= 500)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballots_voter` ON `evaluation_ballots` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`voter_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballots_device` ON `evaluation_ballots` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`device_hash`) WHERE device_hash IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballots_client_key` ON `evaluation_ballots` (`tenant_id`,`session_id`,`client_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballots_seq` ON `evaluation_ballots` (`tenant_id`,`session_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_ballots_receipt` ON `evaluation_ballots` (`tenant_id`,`session_id`,`receipt`);--> statement-breakpoint
CREATE INDEX `evaluation_ballots_session_group` ON `evaluation_ballots` (`tenant_id`,`session_id`,`rater_group`,`voter_hash`);--> statement-breakpoint
CREATE INDEX `evaluation_ballots_campaign_subject` ON `evaluation_ballots` (`tenant_id`,`campaign_id`,`subject_kind`,`subject_id`,`rater_group`);--> statement-breakpoint
CREATE TABLE `evaluation_campaign_subjects` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`village_id` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_campaign_subjects_unique` ON `evaluation_campaign_subjects` (`tenant_id`,`campaign_id`,`subject_kind`,`subject_id`);--> statement-breakpoint
CREATE INDEX `evaluation_campaign_subjects_village` ON `evaluation_campaign_subjects` (`tenant_id`,`campaign_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `evaluation_campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`year` integer NOT NULL,
	`name` text NOT NULL,
	`subject_kind` text NOT NULL,
	`questionnaire_id` text NOT NULL,
	`weight_self` integer NOT NULL,
	`weight_peer` integer NOT NULL,
	`weight_villager` integer NOT NULL,
	`weight_leader` integer NOT NULL,
	`star5` integer NOT NULL,
	`star4` integer NOT NULL,
	`star3` integer NOT NULL,
	`star2` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`questionnaire_id`) REFERENCES `evaluation_questionnaires`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_campaigns_year" CHECK("evaluation_campaigns"."year" BETWEEN 2000 AND 2100),
	CONSTRAINT "evaluation_campaigns_weights" CHECK("evaluation_campaigns"."weight_self" >= 0 AND "evaluation_campaigns"."weight_peer" >= 0 AND "evaluation_campaigns"."weight_villager" >= 0 AND "evaluation_campaigns"."weight_leader" >= 0
        AND "evaluation_campaigns"."weight_self" + "evaluation_campaigns"."weight_peer" + "evaluation_campaigns"."weight_villager" + "evaluation_campaigns"."weight_leader" = 100),
	CONSTRAINT "evaluation_campaigns_thresholds" CHECK("evaluation_campaigns"."star5" <= 10000 AND "evaluation_campaigns"."star5" >= "evaluation_campaigns"."star4" AND "evaluation_campaigns"."star4" >= "evaluation_campaigns"."star3" AND "evaluation_campaigns"."star3" >= "evaluation_campaigns"."star2" AND "evaluation_campaigns"."star2" >= 0)
);
--> statement-breakpoint
CREATE INDEX `evaluation_campaigns_tenant_year` ON `evaluation_campaigns` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `evaluation_bookings` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`village_id` text NOT NULL,
	`screen_id` text NOT NULL,
	`starts_at` text NOT NULL,
	`ends_at` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`booked_by` text NOT NULL,
	`created_at` text NOT NULL,
	`cancelled_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`screen_id`) REFERENCES `evaluation_screens`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_bookings_window" CHECK("evaluation_bookings"."ends_at" > "evaluation_bookings"."starts_at")
);
--> statement-breakpoint
CREATE INDEX `evaluation_bookings_screen_time` ON `evaluation_bookings` (`tenant_id`,`screen_id`,`starts_at`);--> statement-breakpoint
CREATE INDEX `evaluation_bookings_time` ON `evaluation_bookings` (`tenant_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `evaluation_screens` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_screens_tenant_name` ON `evaluation_screens` (`tenant_id`,`name`);--> statement-breakpoint
CREATE TABLE `evaluation_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`booking_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`village_id` text NOT NULL,
	`code` text NOT NULL,
	`opens_at` text NOT NULL,
	`closes_at` text NOT NULL,
	`salt` text,
	`opened_by` text NOT NULL,
	`created_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`booking_id`) REFERENCES `evaluation_bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_sessions_salt" CHECK("evaluation_sessions"."closed_at" IS NOT NULL OR "evaluation_sessions"."salt" IS NOT NULL)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_sessions_booking` ON `evaluation_sessions` (`tenant_id`,`booking_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_sessions_code` ON `evaluation_sessions` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `evaluation_sessions_campaign` ON `evaluation_sessions` (`tenant_id`,`campaign_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `evaluation_household_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`household_id` text NOT NULL,
	`village_id` text NOT NULL,
	`code` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_household_codes_household` ON `evaluation_household_codes` (`tenant_id`,`household_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_household_codes_code` ON `evaluation_household_codes` (`tenant_id`,`code`);--> statement-breakpoint
CREATE INDEX `evaluation_household_codes_village` ON `evaluation_household_codes` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `evaluation_member_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`member_id` text NOT NULL,
	`code` text NOT NULL,
	`pin_salt` text NOT NULL,
	`pin_hash` text NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`locked_until` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_member_credentials_member` ON `evaluation_member_credentials` (`tenant_id`,`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_member_credentials_code` ON `evaluation_member_credentials` (`tenant_id`,`code`);--> statement-breakpoint
CREATE TABLE `evaluation_questionnaires` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`family` text NOT NULL,
	`version` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`name` text NOT NULL,
	`items` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "evaluation_questionnaires_version" CHECK("evaluation_questionnaires"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_questionnaires_family_version` ON `evaluation_questionnaires` (`tenant_id`,`family`,`version`);--> statement-breakpoint
CREATE TABLE `problem_objections` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`problem_id` text NOT NULL,
	`content` text NOT NULL,
	`created_at` text NOT NULL,
	`answer` text,
	`answered_by` text,
	`answered_at` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "problem_objections_content" CHECK(length("problem_objections"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "problem_objections_answer" CHECK(("problem_objections"."answer" IS NULL) = ("problem_objections"."answered_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `problem_objections_problem` ON `problem_objections` (`tenant_id`,`problem_id`);--> statement-breakpoint
CREATE TABLE `problems` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`source` text NOT NULL,
	`session_id` text,
	`year` integer NOT NULL,
	`content` text NOT NULL,
	`measure` text DEFAULT '' NOT NULL,
	`deadline` text,
	`owner` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`notice_starts_at` text,
	`notice_ends_at` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`rectified_at` text,
	`verified_at` text,
	`verified_by` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "problems_content" CHECK(length("problems"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "problems_notice" CHECK(("problems"."notice_starts_at" IS NULL) = ("problems"."notice_ends_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `problems_tenant_village` ON `problems` (`tenant_id`,`village_id`,`status`);--> statement-breakpoint
CREATE INDEX `problems_tenant_subject` ON `problems` (`tenant_id`,`subject_kind`,`subject_id`);