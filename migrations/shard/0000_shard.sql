CREATE TABLE `households` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`head_name` text NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`phone` text,
	`size` integer,
	`is_hardship` integer DEFAULT false NOT NULL,
	`is_critically_ill` integer DEFAULT false NOT NULL,
	`is_empty_nest` integer DEFAULT false NOT NULL,
	`is_left_behind` integer DEFAULT false NOT NULL,
	`is_petitioner` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `households_tenant_village` ON `households` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`name` text NOT NULL,
	`gender` text,
	`phone` text,
	`birth_year` integer,
	`joined_year` integer,
	`is_committee` integer DEFAULT false NOT NULL,
	`is_secretary` integer DEFAULT false NOT NULL,
	`is_reserve_cadre` integer DEFAULT false NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `members_tenant_village` ON `members` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE INDEX `members_tenant_phone` ON `members` (`tenant_id`,`phone`);--> statement-breakpoint
CREATE TABLE `villages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`branch_name` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `villages_tenant_name` ON `villages` (`tenant_id`,`name`);--> statement-breakpoint
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
	`reopening_id` text
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
	`results_retired` integer NOT NULL
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
	CONSTRAINT "income_targets_counts" CHECK("income_targets"."villages_at_least_low" >= 0 AND "income_targets"."villages_at_least_high" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `income_targets_tenant_year` ON `income_targets` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `contact_household_links` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`household_id` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_household_links_tenant_village` ON `contact_household_links` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE INDEX `contact_household_links_tenant_member` ON `contact_household_links` (`tenant_id`,`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contact_household_links_active` ON `contact_household_links` (`tenant_id`,`household_id`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `contact_member_links` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`committee_member_id` text NOT NULL,
	`member_id` text NOT NULL,
	`created_at` text NOT NULL,
	`ended_at` text,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_member_links_not_self" CHECK("contact_member_links"."committee_member_id" <> "contact_member_links"."member_id")
);
--> statement-breakpoint
CREATE INDEX `contact_member_links_tenant_village` ON `contact_member_links` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `contact_member_links_active` ON `contact_member_links` (`tenant_id`,`member_id`) WHERE ended_at IS NULL;--> statement-breakpoint
CREATE TABLE `contact_signoffs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`household_id` text NOT NULL,
	`month` text NOT NULL,
	`method` text NOT NULL,
	`evidence` text NOT NULL,
	`signed_on` text NOT NULL,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_signoffs_month_format" CHECK("contact_signoffs"."month" GLOB '[12][0-9][0-9][0-9]-[01][0-9]')
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_signoffs_month` ON `contact_signoffs` (`tenant_id`,`household_id`,`month`,`member_id`);--> statement-breakpoint
CREATE INDEX `contact_signoffs_tenant_village_month` ON `contact_signoffs` (`tenant_id`,`village_id`,`month`);--> statement-breakpoint
CREATE TABLE `contact_visits` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`member_id` text NOT NULL,
	`member_name` text NOT NULL,
	`household_id` text NOT NULL,
	`household_name` text NOT NULL,
	`visited_on` text NOT NULL,
	`category` text NOT NULL,
	`findings` text DEFAULT '' NOT NULL,
	`request` text DEFAULT '' NOT NULL,
	`problem_id` text,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "contact_visits_date" CHECK("contact_visits"."visited_on" GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]')
);
--> statement-breakpoint
CREATE INDEX `contact_visits_tenant_village_date` ON `contact_visits` (`tenant_id`,`village_id`,`visited_on`);--> statement-breakpoint
CREATE INDEX `contact_visits_tenant_household` ON `contact_visits` (`tenant_id`,`household_id`,`visited_on`);--> statement-breakpoint
CREATE TABLE `decision_matters` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year` integer NOT NULL,
	`title` text NOT NULL,
	`category` text NOT NULL,
	`amount_fen` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`last_stage` text,
	`irregular_implemented_on` text,
	`irregular_note` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "decision_matters_amount" CHECK("decision_matters"."amount_fen" IS NULL OR ("decision_matters"."amount_fen" >= 0 AND "decision_matters"."amount_fen" <= 100000000000)),
	CONSTRAINT "decision_matters_year" CHECK("decision_matters"."year" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE INDEX `decision_matters_tenant_village_year` ON `decision_matters` (`tenant_id`,`village_id`,`year`);--> statement-breakpoint
CREATE INDEX `decision_matters_tenant_year` ON `decision_matters` (`tenant_id`,`year`);--> statement-breakpoint
CREATE TABLE `decision_stages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`matter_id` text NOT NULL,
	`stage` text NOT NULL,
	`seq` integer NOT NULL,
	`held_on` text NOT NULL,
	`body` text,
	`eligible` integer,
	`present` integer,
	`votes_for` integer,
	`votes_against` integer,
	`abstentions` integer,
	`passed` integer DEFAULT true NOT NULL,
	`minutes` text DEFAULT '' NOT NULL,
	`public_text` text,
	`recorded_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`matter_id`) REFERENCES `decision_matters`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "decision_stages_votes" CHECK(("decision_stages"."present" IS NULL OR ("decision_stages"."present" >= 0 AND "decision_stages"."eligible" IS NOT NULL AND "decision_stages"."present" <= "decision_stages"."eligible"))
        AND ("decision_stages"."votes_for" IS NULL OR "decision_stages"."votes_for" + coalesce("decision_stages"."votes_against", 0) + coalesce("decision_stages"."abstentions", 0) <= "decision_stages"."present"))
);
--> statement-breakpoint
CREATE INDEX `decision_stages_tenant_matter` ON `decision_stages` (`tenant_id`,`matter_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `decision_stages_seq` ON `decision_stages` (`matter_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `decision_stages_once` ON `decision_stages` (`matter_id`,`stage`) WHERE stage <> 'review_during';--> statement-breakpoint
CREATE TABLE `disputes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`title` text NOT NULL,
	`parties` text DEFAULT '' NOT NULL,
	`occurred_on` text NOT NULL,
	`level` text DEFAULT 'village' NOT NULL,
	`status` text DEFAULT 'in_mediation' NOT NULL,
	`outcome` text DEFAULT '' NOT NULL,
	`closed_on` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "disputes_closed" CHECK(("disputes"."status" = 'in_mediation') = ("disputes"."closed_on" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `disputes_tenant_date` ON `disputes` (`tenant_id`,`occurred_on`);--> statement-breakpoint
CREATE INDEX `disputes_tenant_village` ON `disputes` (`tenant_id`,`village_id`);--> statement-breakpoint
CREATE TABLE `weak_villages` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`year_listed` integer NOT NULL,
	`reasons` text NOT NULL,
	`measures` text DEFAULT '' NOT NULL,
	`turned_around_on` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "weak_villages_year" CHECK("weak_villages"."year_listed" BETWEEN 2000 AND 2100)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `weak_villages_tenant_village_year` ON `weak_villages` (`tenant_id`,`village_id`,`year_listed`);--> statement-breakpoint
CREATE TABLE `evaluation_ballot_answers` (
	`tenant_id` text NOT NULL,
	`ballot_id` text NOT NULL,
	`item_key` text NOT NULL,
	`points` integer NOT NULL,
	`max_points` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `ballot_id`, `item_key`),
	FOREIGN KEY (`ballot_id`) REFERENCES `evaluation_ballots`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "evaluation_ballot_answers_points" CHECK("evaluation_ballot_answers"."max_points" > 0 AND "evaluation_ballot_answers"."points" >= 0 AND "evaluation_ballot_answers"."points" <= "evaluation_ballot_answers"."max_points")
);
--> statement-breakpoint
CREATE TABLE `evaluation_ballot_tickets` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`pass_hash` text,
	PRIMARY KEY(`tenant_id`, `session_id`, `code_hash`),
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_ballots_points" CHECK("evaluation_ballots"."max_points" > 0 AND "evaluation_ballots"."points" >= 0 AND "evaluation_ballots"."points" <= "evaluation_ballots"."max_points"),
	CONSTRAINT "evaluation_ballots_comment" CHECK(length("evaluation_ballots"."comment") <= 500)
);
--> statement-breakpoint
CREATE INDEX `evaluation_ballots_campaign_subject` ON `evaluation_ballots` (`tenant_id`,`campaign_id`,`subject_kind`,`subject_id`,`rater_group`);--> statement-breakpoint
CREATE INDEX `evaluation_ballots_session` ON `evaluation_ballots` (`tenant_id`,`session_id`);--> statement-breakpoint
CREATE TABLE `evaluation_campaign_subjects` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`village_id` text NOT NULL,
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
	`display_key_version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "evaluation_screens_display_key_version" CHECK("evaluation_screens"."display_key_version" >= 1)
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
	`tally_root` text,
	`tally_count` integer,
	FOREIGN KEY (`booking_id`) REFERENCES `evaluation_bookings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `evaluation_campaigns`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "evaluation_sessions_sealed" CHECK("evaluation_sessions"."tally_root" IS NULL OR "evaluation_sessions"."closed_at" IS NOT NULL)
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
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_member_credentials_member` ON `evaluation_member_credentials` (`tenant_id`,`member_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_member_credentials_code` ON `evaluation_member_credentials` (`tenant_id`,`code`);--> statement-breakpoint
CREATE TABLE `evaluation_poll_book` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`voter_hash` text NOT NULL,
	`rater_group` text NOT NULL,
	`pass_hash` text,
	`submission` text NOT NULL,
	`receipt` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `session_id`, `subject_kind`, `subject_id`, `voter_hash`),
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_poll_book_receipt` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`receipt`);--> statement-breakpoint
CREATE INDEX `evaluation_poll_book_submission` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`submission`);--> statement-breakpoint
CREATE INDEX `evaluation_poll_book_voter` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`voter_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_poll_book_pass` ON `evaluation_poll_book` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`pass_hash`) WHERE rater_group = 'villager' AND pass_hash IS NOT NULL;--> statement-breakpoint
CREATE TABLE `evaluation_questionnaires` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`family` text NOT NULL,
	`version` integer NOT NULL,
	`subject_kind` text NOT NULL,
	`name` text NOT NULL,
	`items` text NOT NULL,
	`created_at` text NOT NULL,
	CONSTRAINT "evaluation_questionnaires_version" CHECK("evaluation_questionnaires"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_questionnaires_family_version` ON `evaluation_questionnaires` (`tenant_id`,`family`,`version`);--> statement-breakpoint
CREATE TABLE `evaluation_raised_problems` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`village_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`year` integer NOT NULL,
	`content` text NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_raised_problems_session` ON `evaluation_raised_problems` (`tenant_id`,`session_id`);--> statement-breakpoint
CREATE TABLE `evaluation_session_counts` (
	`tenant_id` text NOT NULL,
	`session_id` text NOT NULL,
	`name` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `session_id`, `name`),
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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
	FOREIGN KEY (`session_id`) REFERENCES `evaluation_sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `evaluation_unknown_subjects_submission` ON `evaluation_unknown_subjects` (`tenant_id`,`session_id`,`submission`);--> statement-breakpoint
CREATE UNIQUE INDEX `evaluation_unknown_subjects_pass` ON `evaluation_unknown_subjects` (`tenant_id`,`session_id`,`subject_kind`,`subject_id`,`pass_hash`) WHERE rater_group = 'villager' AND pass_hash IS NOT NULL;--> statement-breakpoint
CREATE TABLE `problem_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`village_id` text NOT NULL,
	`subject_kind` text NOT NULL,
	`subject_id` text NOT NULL,
	`year` integer NOT NULL,
	`content` text NOT NULL,
	`raised_at` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`problem_id` text,
	`reason` text,
	`decided_by` text,
	`decided_at` text,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "problem_reviews_content" CHECK(length("problem_reviews"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "problem_reviews_decision" CHECK(("problem_reviews"."status" = 'pending') = ("problem_reviews"."decided_at" IS NULL)),
	CONSTRAINT "problem_reviews_reason" CHECK("problem_reviews"."status" <> 'dismissed' OR length("problem_reviews"."reason") > 0)
);
--> statement-breakpoint
CREATE INDEX `problem_reviews_tenant_status` ON `problem_reviews` (`tenant_id`,`status`,`village_id`);--> statement-breakpoint
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
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "problems_content" CHECK(length("problems"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "problems_notice" CHECK(("problems"."notice_starts_at" IS NULL) = ("problems"."notice_ends_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `problems_tenant_village` ON `problems` (`tenant_id`,`village_id`,`status`);--> statement-breakpoint
CREATE INDEX `problems_tenant_subject` ON `problems` (`tenant_id`,`subject_kind`,`subject_id`);--> statement-breakpoint
CREATE TABLE `audit_archives` (
	`chain` text NOT NULL,
	`month` text NOT NULL,
	`first_seq` integer NOT NULL,
	`last_seq` integer NOT NULL,
	`head_hash` text NOT NULL,
	`rows` integer NOT NULL,
	`object_key` text NOT NULL,
	`object_sha256` text NOT NULL,
	`archived_at` text NOT NULL,
	PRIMARY KEY(`chain`, `month`)
);
--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`chain` text NOT NULL,
	`seq` integer NOT NULL,
	`at` text NOT NULL,
	`tenant_id` text,
	`actor_id` text NOT NULL,
	`actor_role` text,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`outcome` text NOT NULL,
	`request_id` text,
	`client_ip` text,
	`changes` text,
	`prev_hash` text,
	`hash` text,
	CONSTRAINT "audit_events_seq" CHECK("audit_events"."seq" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_events_chain_seq` ON `audit_events` (`chain`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_events_chain_at` ON `audit_events` (`chain`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_unsealed` ON `audit_events` (`chain`,`seq`) WHERE "audit_events"."hash" IS NULL;--> statement-breakpoint
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
	`withdrawn_at` text,
	`withdrawn_reopening_id` text,
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `plaques_branch_year` ON `plaques` (`tenant_id`,`year`,`village_id`) WHERE withdrawn_at IS NULL;--> statement-breakpoint
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
	FOREIGN KEY (`problem_id`) REFERENCES `problems`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`rating_entry_id`) REFERENCES `rating_entries`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "objections_target" CHECK(("objections"."target" = 'problem' AND "objections"."problem_id" IS NOT NULL AND "objections"."rating_entry_id" IS NULL)
      OR ("objections"."target" = 'rating' AND "objections"."rating_entry_id" IS NOT NULL AND "objections"."problem_id" IS NULL)),
	CONSTRAINT "objections_content" CHECK(length("objections"."content") BETWEEN 1 AND 1000),
	CONSTRAINT "objections_answer" CHECK(("objections"."answer" IS NULL) = ("objections"."answered_at" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `objections_problem` ON `objections` (`tenant_id`,`problem_id`);--> statement-breakpoint
CREATE INDEX `objections_rating` ON `objections` (`tenant_id`,`rating_entry_id`);--> statement-breakpoint
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
	FOREIGN KEY (`village_id`) REFERENCES `villages`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "org_meetings_times" CHECK(("org_meetings"."starts_at" IS NULL) = ("org_meetings"."ends_at" IS NULL) AND ("org_meetings"."starts_at" IS NULL OR "org_meetings"."starts_at" < "org_meetings"."ends_at"))
);
--> statement-breakpoint
CREATE INDEX `org_meetings_tenant_village_held` ON `org_meetings` (`tenant_id`,`village_id`,`held_on`);--> statement-breakpoint
CREATE INDEX `org_meetings_tenant_held` ON `org_meetings` (`tenant_id`,`held_on`);--> statement-breakpoint
CREATE TABLE `shard_townships` (
	`township_id` text PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
-- Hand-written from here: the audit trail's guards of migrations 0008 and 0014, for a database without `tenants`
-- (docs/audit.md, docs/scaling.md). A row is born unsealed with the next seq of its chain.
CREATE TRIGGER `audit_events_append_only_insert` BEFORE INSERT ON `audit_events`
WHEN NEW.`hash` IS NOT NULL OR NEW.`prev_hash` IS NOT NULL
  OR NEW.`seq` IS NOT max(
    coalesce((SELECT max(e.`seq`) FROM `audit_events` e WHERE e.`chain` = NEW.`chain`), 0),
    coalesce((SELECT max(a.`last_seq`) FROM `audit_archives` a WHERE a.`chain` = NEW.`chain`), 0)) + 1
BEGIN SELECT RAISE(ABORT, 'audit_events: a row is inserted unsealed, with the next seq of its chain'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_events_append_only_update` BEFORE UPDATE ON `audit_events`
WHEN NOT (OLD.`hash` IS NULL AND NEW.`hash` IS NOT NULL AND length(NEW.`hash`) = 64 AND NEW.`prev_hash` IS NOT NULL
  AND NEW.`id` IS OLD.`id` AND NEW.`chain` IS OLD.`chain` AND NEW.`seq` IS OLD.`seq` AND NEW.`at` IS OLD.`at`
  AND NEW.`tenant_id` IS OLD.`tenant_id` AND NEW.`actor_id` IS OLD.`actor_id` AND NEW.`actor_role` IS OLD.`actor_role`
  AND NEW.`action` IS OLD.`action` AND NEW.`entity` IS OLD.`entity` AND NEW.`entity_id` IS OLD.`entity_id`
  AND NEW.`outcome` IS OLD.`outcome` AND NEW.`request_id` IS OLD.`request_id` AND NEW.`client_ip` IS OLD.`client_ip`
  AND NEW.`changes` IS OLD.`changes`
  AND NEW.`prev_hash` IS coalesce(
    (SELECT p.`hash` FROM `audit_events` p WHERE p.`chain` = OLD.`chain` AND p.`seq` = OLD.`seq` - 1),
    (SELECT a.`head_hash` FROM `audit_archives` a WHERE a.`chain` = OLD.`chain` AND a.`last_seq` = OLD.`seq` - 1),
    CASE WHEN OLD.`seq` = 1 THEN '0000000000000000000000000000000000000000000000000000000000000000' END))
BEGIN SELECT RAISE(ABORT, 'audit_events: append-only; only sealing an unsealed row in order is allowed'); END;
--> statement-breakpoint
-- Pruning: only sealed rows at least 180 days old whose seq lies in an archived month; and the trail of a township
-- this database is receiving (cleaned up after a failed import or move) or giving up (its county moved away).
CREATE TRIGGER `audit_events_append_only_delete` BEFORE DELETE ON `audit_events`
WHEN NOT EXISTS (SELECT 1 FROM `shard_townships` s WHERE s.`township_id` = OLD.`tenant_id` AND s.`township_id` = OLD.`chain`)
  AND (OLD.`hash` IS NULL OR OLD.`at` >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-180 days')
  OR NOT EXISTS (SELECT 1 FROM `audit_archives` a WHERE a.`chain` = OLD.`chain` AND OLD.`seq` BETWEEN a.`first_seq` AND a.`last_seq`))
BEGIN SELECT RAISE(ABORT, 'audit_events: only rows of an archived month older than 180 days may be pruned'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_contiguous` BEFORE INSERT ON `audit_archives`
WHEN NEW.`first_seq` IS NOT coalesce((SELECT max(a.`last_seq`) FROM `audit_archives` a WHERE a.`chain` = NEW.`chain`), 0) + 1
  OR NEW.`last_seq` < NEW.`first_seq`
BEGIN SELECT RAISE(ABORT, 'audit_archives: a month follows the last archived one'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_update` BEFORE UPDATE ON `audit_archives`
BEGIN SELECT RAISE(ABORT, 'audit_archives: append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `audit_archives_no_delete` BEFORE DELETE ON `audit_archives`
WHEN NOT EXISTS (SELECT 1 FROM `shard_townships` s WHERE s.`township_id` = OLD.`chain`)
BEGIN SELECT RAISE(ABORT, 'audit_archives: append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `shard_townships_arrive_empty` BEFORE INSERT ON `shard_townships`
WHEN NEW.`state` = 'arriving' AND (EXISTS (SELECT 1 FROM `audit_events` e WHERE e.`chain` = NEW.`township_id` OR e.`tenant_id` = NEW.`township_id`)
  OR EXISTS (SELECT 1 FROM `audit_archives` a WHERE a.`chain` = NEW.`township_id`))
BEGIN SELECT RAISE(ABORT, 'shard_townships: a township arrives only into an empty audit chain'); END;
--> statement-breakpoint
CREATE TRIGGER `shard_townships_no_update` BEFORE UPDATE ON `shard_townships`
BEGIN SELECT RAISE(ABORT, 'shard_townships: a state is inserted or deleted, never changed'); END;
