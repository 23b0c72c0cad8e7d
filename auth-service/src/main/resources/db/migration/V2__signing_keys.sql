-- The keys access and ID tokens are signed with, shared by every replica. The newest signs; older ones stay
-- published in the JWKS until every token they signed has expired. The private key is stored encrypted.
create table signing_key (
    kid           text        primary key,
    encrypted_jwk text        not null,
    created_at    timestamptz not null default now()
);

create index signing_key_created_at on signing_key (created_at desc);
