-- Roster import at 50,000 rows/s (issue 17, point 3): the search grams of a person's post
-- text move from each person to the district's distinct post texts.
--
-- Before, every person carried the characters and pairs of its name AND of its post
-- (about 18 rows, each in two B-trees, checked against two foreign keys): most of an
-- import's writes. A district has few distinct post texts, so the post's grams are now
-- kept once per distinct text (people_post_grams) and a search finds the people of the
-- matching texts through people_post; a person carries its name's grams only.
--
-- people_post_grams holds every post text any person has had (a superset: a text no one
-- holds any more finds no one), which is all the search needs, since every candidate is
-- re-checked with the old LIKE condition. Both tables are derived rows kept by the store
-- (people_index.rs): no foreign keys (a person is never deleted), and no index by person
-- (a rename deletes the old name's grams by their key).
DROP TABLE people_grams;
CREATE TABLE people_grams (
    district_id BIGINT NOT NULL,
    gram TEXT NOT NULL,
    person_id BIGINT NOT NULL,
    PRIMARY KEY (district_id, gram, person_id)
){without_rowid};
CREATE TABLE people_post_grams (
    district_id BIGINT NOT NULL,
    gram TEXT NOT NULL,
    post TEXT NOT NULL,
    PRIMARY KEY (district_id, gram, post)
){without_rowid};
CREATE INDEX people_post ON people (district_id, post);
-- Rebuilt in Rust right after the migrations (people_index::backfill), as migration 23's.
INSERT INTO store_backfill (name) SELECT 'people_grams' WHERE NOT EXISTS (SELECT 1 FROM store_backfill WHERE name = 'people_grams')
