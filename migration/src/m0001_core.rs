use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Operator {
    Table,
    Name,
    Role,
    CreatedAt,
    CreatedBy,
}

// `Event::EventId` names the column event_id of table event.
#[allow(clippy::enum_variant_names)]
#[derive(DeriveIden)]
enum Event {
    Table,
    EventId,
    Kind,
    At,
    Digest,
    ImportedAt,
    Source,
    Line,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
    Name,
    Email,
    Phone,
    Iin,
    EmailNorm,
    PhoneNorm,
    IinNorm,
    DeviceId,
    Ip,
    IsClient,
    IsPartner,
    RegisteredAt,
    ParentId,
    ViaCode,
}

#[derive(DeriveIden)]
enum Partner {
    Table,
    AccountId,
    Name,
    RegisteredAt,
    TrialEndsAt,
    Status,
    StatusReason,
    StatusAt,
    StatusBy,
    Search,
}

#[derive(DeriveIden)]
enum PromoCode {
    Table,
    Code,
    PartnerId,
    Active,
    CreatedAt,
    DeactivatedAt,
    DeactivatedBy,
    DeactivatedReason,
}

#[derive(DeriveIden)]
enum Contract {
    Table,
    PartnerId,
    Number,
    SignedOn,
    Method,
    Iban,
    IinBin,
    RecordedAt,
    RecordedBy,
}

#[derive(DeriveIden)]
enum Payment {
    Table,
    Id,
    AccountId,
    Package,
    ListPrice,
    PaidAmount,
    Refunded,
    PromoCode,
    Promotion,
    PartnerId,
    PaidAt,
    Reason,
    EventId,
}

#[derive(DeriveIden)]
enum Refund {
    Table,
    Id,
    PaymentId,
    Amount,
    At,
    EventId,
}

#[derive(DeriveIden)]
enum Bonus {
    Table,
    Id,
    PaymentId,
    PartnerId,
    Booked,
    Reduced,
    Clawed,
    Rate,
    BaseKind,
    BaseAmount,
    Campaign,
    HoldDays,
    BookedAt,
    ReleaseAt,
    State,
    ApprovedAt,
    ApprovedBy,
    VoidedAt,
    VoidedBy,
    VoidReason,
}

#[derive(DeriveIden)]
enum LedgerEntry {
    Table,
    Id,
    PartnerId,
    BonusId,
    Kind,
    Bucket,
    Amount,
    At,
    RecordedAt,
    Operator,
    Reason,
    Reference,
}

#[derive(DeriveIden)]
enum FraudCase {
    Table,
    Id,
    PartnerId,
    Kind,
    Status,
    OpenedAt,
    PaymentId,
    Evidence,
    DecidedAt,
    DecidedBy,
    DecisionReason,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Operator,
    Action,
    Subject,
    Detail,
    Reason,
    PrevHash,
    Hash,
}

/// A foreign key checked when the transaction commits, not after each statement: one
/// transaction may insert a child before its parent, and a bulk insert on SQLite needs no
/// statement journal (a copy of every page it touches, to undo it alone) when no constraint
/// of its table can abort it (store::bulk). Integrity holds at every commit all the same.
fn references(name: &str, table: impl Iden, column: impl Iden) -> String {
    format!(
        "CONSTRAINT \"{name}\" REFERENCES \"{}\" (\"{}\") ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED",
        table.to_string(),
        column.to_string()
    )
}

/// On SQLite, a table keyed by text is stored in its primary key's B-tree alone (`WITHOUT
/// ROWID`) rather than in a rowid table beside a unique index on the key: one B-tree to write
/// and to search instead of two.
fn without_rowid(m: &SchemaManager) -> String {
    if m.get_database_backend() == sea_orm_migration::sea_orm::DbBackend::Sqlite {
        "WITHOUT ROWID".into()
    } else {
        String::new()
    }
}

fn index(name: &str, table: impl IntoIden, cols: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for c in cols {
        stmt.col(Alias::new(*c));
    }
    stmt.to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Operator::Table)
                .col(string(Operator::Name).primary_key())
                .col(string(Operator::Role))
                .col(big_integer(Operator::CreatedAt))
                .col(string(Operator::CreatedBy))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Event::Table)
                .col(string(Event::EventId).primary_key())
                .col(string(Event::Kind))
                .col(big_integer(Event::At))
                .col(big_integer(Event::Digest))
                .col(big_integer(Event::ImportedAt))
                .col(string_null(Event::Source))
                .col(big_integer(Event::Line))
                .extra(without_rowid(m))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Account::Table)
                .col(string(Account::Id).primary_key())
                .col(string_null(Account::Name))
                .col(string_null(Account::Email))
                .col(string_null(Account::Phone))
                .col(string_null(Account::Iin))
                .col(string_null(Account::EmailNorm))
                .col(string_null(Account::PhoneNorm))
                .col(string_null(Account::IinNorm))
                .col(string_null(Account::DeviceId))
                .col(string_null(Account::Ip))
                .col(boolean(Account::IsClient))
                .col(boolean(Account::IsPartner))
                .col(big_integer_null(Account::RegisteredAt))
                .col(string_null(Account::ParentId).extra(references("fk_account_parent", Account::Table, Account::Id)))
                .col(string_null(Account::ViaCode))
                .extra(without_rowid(m))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_account_parent", Account::Table, &["parent_id"])).await?;
        m.create_index(index("ix_account_registered", Account::Table, &["registered_at"])).await?;

        m.create_table(
            Table::create()
                .table(Partner::Table)
                .col(string(Partner::AccountId).primary_key().extra(references(
                    "fk_partner_account",
                    Account::Table,
                    Account::Id,
                )))
                .col(string(Partner::Name))
                .col(big_integer(Partner::RegisteredAt))
                .col(big_integer(Partner::TrialEndsAt))
                .col(string(Partner::Status))
                .col(string_null(Partner::StatusReason))
                .col(big_integer_null(Partner::StatusAt))
                .col(string_null(Partner::StatusBy))
                .col(string(Partner::Search))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_partner_registered", Partner::Table, &["registered_at", "account_id"])).await?;
        m.create_index(index("ix_partner_name", Partner::Table, &["name", "account_id"])).await?;

        // Codes are stored upper-cased, so the primary key makes them unique case-insensitively;
        // the unique partner_id gives each partner exactly one code.
        m.create_table(
            Table::create()
                .table(PromoCode::Table)
                .col(string(PromoCode::Code).primary_key())
                .col(string_uniq(PromoCode::PartnerId).extra(references(
                    "fk_code_partner",
                    Partner::Table,
                    Partner::AccountId,
                )))
                .col(boolean(PromoCode::Active))
                .col(big_integer(PromoCode::CreatedAt))
                .col(big_integer_null(PromoCode::DeactivatedAt))
                .col(string_null(PromoCode::DeactivatedBy))
                .col(string_null(PromoCode::DeactivatedReason))
                .check(Expr::col(PromoCode::Code).eq(Func::upper(Expr::col(PromoCode::Code))))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Contract::Table)
                .col(string(Contract::PartnerId).primary_key().extra(references(
                    "fk_contract_partner",
                    Partner::Table,
                    Partner::AccountId,
                )))
                .col(string(Contract::Number))
                .col(string(Contract::SignedOn))
                .col(string(Contract::Method))
                .col(string(Contract::Iban))
                .col(string(Contract::IinBin))
                .col(big_integer(Contract::RecordedAt))
                .col(string(Contract::RecordedBy))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Payment::Table)
                .col(string(Payment::Id).primary_key())
                .col(string(Payment::AccountId).extra(references("fk_payment_account", Account::Table, Account::Id)))
                .col(string(Payment::Package))
                .col(big_integer(Payment::ListPrice))
                .col(big_integer(Payment::PaidAmount))
                .col(big_integer(Payment::Refunded).default(0))
                .col(string_null(Payment::PromoCode))
                .col(string_null(Payment::Promotion))
                .col(string_null(Payment::PartnerId).extra(references(
                    "fk_payment_partner",
                    Partner::Table,
                    Partner::AccountId,
                )))
                .col(big_integer(Payment::PaidAt))
                .col(string_null(Payment::Reason))
                .col(string(Payment::EventId))
                .check(Expr::col(Payment::Refunded).lte(Expr::col(Payment::PaidAmount)))
                .check(Expr::col(Payment::Refunded).gte(0))
                .check(Expr::col(Payment::PaidAmount).gte(0))
                .extra(without_rowid(m))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_payment_account", Payment::Table, &["account_id"])).await?;
        m.create_index(index("ix_payment_partner", Payment::Table, &["partner_id", "paid_at"])).await?;
        m.create_index(index("ix_payment_paid_at", Payment::Table, &["paid_at"])).await?;

        m.create_table(
            Table::create()
                .table(Refund::Table)
                .col(big_pk_auto(Refund::Id))
                .col(string(Refund::PaymentId).extra(references("fk_refund_payment", Payment::Table, Payment::Id)))
                .col(big_integer(Refund::Amount))
                .col(big_integer(Refund::At))
                .col(string(Refund::EventId))
                .check(Expr::col(Refund::Amount).gt(0))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_refund_payment", Refund::Table, &["payment_id"])).await?;

        // One bonus per payment, by the unique payment_id.
        m.create_table(
            Table::create()
                .table(Bonus::Table)
                .col(big_pk_auto(Bonus::Id))
                .col(string_uniq(Bonus::PaymentId).extra(references("fk_bonus_payment", Payment::Table, Payment::Id)))
                .col(string(Bonus::PartnerId).extra(references("fk_bonus_partner", Partner::Table, Partner::AccountId)))
                .col(big_integer(Bonus::Booked))
                .col(big_integer(Bonus::Reduced).default(0))
                .col(big_integer(Bonus::Clawed).default(0))
                .col(string(Bonus::Rate))
                .col(string(Bonus::BaseKind))
                .col(big_integer(Bonus::BaseAmount))
                .col(string_null(Bonus::Campaign))
                .col(integer(Bonus::HoldDays))
                .col(big_integer(Bonus::BookedAt))
                .col(big_integer(Bonus::ReleaseAt))
                .col(string(Bonus::State))
                .col(big_integer_null(Bonus::ApprovedAt))
                .col(string_null(Bonus::ApprovedBy))
                .col(big_integer_null(Bonus::VoidedAt))
                .col(string_null(Bonus::VoidedBy))
                .col(string_null(Bonus::VoidReason))
                .check(Expr::col(Bonus::Booked).gte(0))
                .check(Expr::col(Bonus::Reduced).gte(0))
                .check(Expr::col(Bonus::Reduced).add(Expr::col(Bonus::Clawed)).lte(Expr::col(Bonus::Booked)))
                .check(Expr::col(Bonus::Clawed).gte(0))
                .check(Expr::col(Bonus::State).is_in(["held", "available", "paid", "voided"]))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_bonus_partner", Bonus::Table, &["partner_id", "state"])).await?;
        m.create_index(index("ix_bonus_state", Bonus::Table, &["state", "release_at", "id"])).await?;

        m.create_table(
            Table::create()
                .table(LedgerEntry::Table)
                .col(big_pk_auto(LedgerEntry::Id))
                .col(string(LedgerEntry::PartnerId).extra(references(
                    "fk_ledger_partner",
                    Partner::Table,
                    Partner::AccountId,
                )))
                .col(big_integer_null(LedgerEntry::BonusId).extra(references(
                    "fk_ledger_bonus",
                    Bonus::Table,
                    Bonus::Id,
                )))
                .col(string(LedgerEntry::Kind))
                .col(string(LedgerEntry::Bucket))
                .col(big_integer(LedgerEntry::Amount))
                .col(big_integer(LedgerEntry::At))
                .col(big_integer(LedgerEntry::RecordedAt))
                .col(string(LedgerEntry::Operator))
                .col(string_null(LedgerEntry::Reason))
                .col(string_null(LedgerEntry::Reference))
                .check(Expr::col(LedgerEntry::Kind).is_in([
                    "accrual",
                    "release",
                    "void",
                    "clawback",
                    "adjustment",
                    "payout",
                ]))
                .check(Expr::col(LedgerEntry::Bucket).is_in(["held", "available"]))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_ledger_partner", LedgerEntry::Table, &["partner_id", "id"])).await?;
        m.create_index(index("ix_ledger_bonus", LedgerEntry::Table, &["bonus_id"])).await?;

        m.create_table(
            Table::create()
                .table(FraudCase::Table)
                .col(big_pk_auto(FraudCase::Id))
                .col(string(FraudCase::PartnerId).extra(references(
                    "fk_case_partner",
                    Partner::Table,
                    Partner::AccountId,
                )))
                .col(string(FraudCase::Kind))
                .col(string(FraudCase::Status))
                .col(big_integer(FraudCase::OpenedAt))
                .col(string_null(FraudCase::PaymentId))
                .col(text(FraudCase::Evidence))
                .col(big_integer_null(FraudCase::DecidedAt))
                .col(string_null(FraudCase::DecidedBy))
                .col(string_null(FraudCase::DecisionReason))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_case_partner", FraudCase::Table, &["partner_id", "status"])).await?;
        m.create_index(index("ix_case_status", FraudCase::Table, &["status"])).await?;

        m.create_table(
            Table::create()
                .table(AuditLog::Table)
                .col(big_pk_auto(AuditLog::Id))
                .col(big_integer(AuditLog::At))
                .col(string(AuditLog::Operator))
                .col(string(AuditLog::Action))
                .col(string(AuditLog::Subject))
                .col(text(AuditLog::Detail))
                .col(string_null(AuditLog::Reason))
                .col(string(AuditLog::PrevHash))
                .col(string(AuditLog::Hash))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_audit_subject", AuditLog::Table, &["subject", "id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            AuditLog::Table.into_iden(),
            FraudCase::Table.into_iden(),
            LedgerEntry::Table.into_iden(),
            Bonus::Table.into_iden(),
            Refund::Table.into_iden(),
            Payment::Table.into_iden(),
            Contract::Table.into_iden(),
            PromoCode::Table.into_iden(),
            Partner::Table.into_iden(),
            Account::Table.into_iden(),
            Event::Table.into_iden(),
            Operator::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(t).to_owned()).await?;
        }
        Ok(())
    }
}
