//! Tables of rows to import (#22): record batches (from CSV, Parquet, polars or pyarrow)
//! read into an [`ImportBatch`] of one table, every cell checked where it is, so that a
//! bad value is named by table, row and column (`sales.amount[12]`) before anything is
//! imported. A column may hold text (a CSV read as strings) or its own Arrow type
//! (decimal128, date32, integers); money is never read from a float.
//!
//! One row per record, except where a record holds a list: a sale credited to several
//! reps is one row per rep (`rep`, `share_pct`, as `sales_facts_table` exports it), a
//! customer with several contacts one row per contact; rows of one record share its key
//! and must agree on everything else.

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
};
use arrow_array::{Array, ArrayRef, Decimal128Array, RecordBatch};
use arrow_schema::DataType;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::read::{Text, from_days};
use crate::error::{Error, InvalidInput, Result};
use crate::facts::Credit;
use crate::ids::{TeamId, UserId};
use crate::import::{CustomerRow, ImportBatch, SaleRow, TargetRow, TeamRow, UserRow};
use crate::kpi::Metrics;
use crate::money::{Currency, Money};
use crate::org::Role;
use crate::sales::{Contact, Product};

/// The most cell problems one table reports (the rest are of the same kind, surely).
pub const MAX_PROBLEMS: usize = 100;

/// A table of an import, as its rows' type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTable {
    /// `id, name, role, team?`.
    Users,
    /// `id, name, manager, director?`.
    Teams,
    /// `id, name, category, list_price, cost, currency?`.
    Products,
    /// `id, name, group, owner, region?, industry?, preferences?`, and per contact
    /// `contact_name, contact_title?, contact_phone?, contact_email?, contact_birthday?`.
    Customers,
    /// `rep, year, revenue?, profit?, new_customers?, satisfaction?, supervisor?,
    /// distribution?` (twelve percents, `;`-separated).
    Targets,
    /// `order, line, date, customer, product, quantity, amount, cost?, currency, rep,
    /// share_pct?, category?, region?` (`line` may come from an exported `id`).
    Sales,
}

impl ImportTable {
    /// Every table, in the order a batch applies them.
    pub const ALL: [ImportTable; 6] = [
        ImportTable::Users,
        ImportTable::Teams,
        ImportTable::Products,
        ImportTable::Customers,
        ImportTable::Targets,
        ImportTable::Sales,
    ];

    /// Its name (`sales`), as batches and errors name it.
    pub fn name(self) -> &'static str {
        match self {
            ImportTable::Users => "users",
            ImportTable::Teams => "teams",
            ImportTable::Products => "products",
            ImportTable::Customers => "customers",
            ImportTable::Targets => "targets",
            ImportTable::Sales => "sales",
        }
    }

    /// The table called `name`, if any.
    pub fn named(name: &str) -> Option<ImportTable> {
        ImportTable::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The columns it reads, required ones first (documentation and error messages).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ImportTable::Users => &["id", "name", "role", "team"],
            ImportTable::Teams => &["id", "name", "manager", "director"],
            ImportTable::Products => &["id", "name", "category", "list_price", "cost", "currency"],
            ImportTable::Customers => &[
                "id",
                "name",
                "group",
                "owner",
                "region",
                "industry",
                "preferences",
                "contact_name",
                "contact_title",
                "contact_phone",
                "contact_email",
                "contact_birthday",
            ],
            ImportTable::Targets => &[
                "rep",
                "year",
                "revenue",
                "profit",
                "new_customers",
                "satisfaction",
                "supervisor",
                "distribution",
            ],
            ImportTable::Sales => &[
                "order",
                "line",
                "date",
                "customer",
                "product",
                "quantity",
                "amount",
                "cost",
                "currency",
                "rep",
                "share_pct",
                "category",
                "region",
                "id",
            ],
        }
    }
}

/// The rows of one table as a batch, with the table row each batch row starts at (a
/// sale of three credited reps is one batch row from three table rows), so that an
/// import's [`Error::ImportRow`] can be traced back to the file.
#[derive(Debug, Clone, Default)]
pub struct ImportRows {
    /// The batch, with rows in one of its tables only.
    pub batch: ImportBatch,
    /// For each row of that table in the batch, its first row in the source table.
    pub source_rows: Vec<usize>,
}

impl ImportRows {
    /// The rows `range` of the batch (for importing in several transactions), with their
    /// source rows.
    pub fn slice(&self, range: std::ops::Range<usize>) -> ImportRows {
        fn part<T: Clone>(v: &[T], r: &std::ops::Range<usize>) -> Vec<T> {
            v.get(r.clone()).map(<[T]>::to_vec).unwrap_or_default()
        }
        let b = &self.batch;
        ImportRows {
            batch: ImportBatch {
                users: part(&b.users, &range),
                teams: part(&b.teams, &range),
                products: part(&b.products, &range),
                customers: part(&b.customers, &range),
                targets: part(&b.targets, &range),
                sales: part(&b.sales, &range),
            },
            source_rows: part(&self.source_rows, &range),
        }
    }
}

impl ImportRows {
    /// An import error with the row of the table it came from instead of the row of the
    /// batch (`sales_offset`: the batch's first sale, from
    /// [`ImportBatch::in_batches`]); other errors as they are.
    pub fn locate(&self, e: Error, sales_offset: usize) -> Error {
        match e {
            Error::ImportRow {
                table,
                row,
                key,
                source,
            } => {
                let at = if table == "sales" {
                    sales_offset.saturating_add(row)
                } else {
                    row
                };
                Error::ImportRow {
                    table,
                    row: self.source_rows.get(at).copied().unwrap_or(at),
                    key,
                    source,
                }
            }
            other => other,
        }
    }
}

/// Reads `batches` as rows of `table`. `currency` is the price system's, for a products
/// table without a `currency` column. A missing column, or up to [`MAX_PROBLEMS`] bad
/// cells, are returned as errors naming `table.column[row]` (rows from 0, across all the
/// batches); every cell is checked before any is refused, so one pass lists them.
pub fn import_rows(
    table: ImportTable,
    batches: &[RecordBatch],
    currency: Currency,
) -> std::result::Result<ImportRows, Vec<Error>> {
    let mut out = Builder {
        table,
        rows: ImportRows::default(),
        problems: Vec::new(),
        keys: HashMap::new(),
        currency,
    };
    let mut first = 0usize;
    for batch in batches {
        let cells = Cells {
            batch,
            table: table.name(),
            first,
        };
        if let Err(e) = cells.require(table) {
            return Err(vec![e]);
        }
        for i in 0..batch.num_rows() {
            if out.problems.len() >= MAX_PROBLEMS {
                break;
            }
            let row = first.saturating_add(i);
            if let Err(e) = out.row(&cells, i, row) {
                out.problems.push(e);
            }
        }
        first = first.saturating_add(batch.num_rows());
    }
    if out.problems.is_empty() {
        Ok(out.rows)
    } else {
        Err(out.problems)
    }
}

/// The cells of one record batch, read by column name.
struct Cells<'a> {
    batch: &'a RecordBatch,
    table: &'static str,
    /// The table row of the batch's first row.
    first: usize,
}

impl Cells<'_> {
    fn field(&self, name: &str, i: usize) -> String {
        format!("{}.{name}[{}]", self.table, self.first.saturating_add(i))
    }

    fn refuse<T>(&self, name: &str, i: usize, reason: impl Into<String>) -> Result<T> {
        Err(Error::invalid(self.field(name, i), reason))
    }

    /// Refuses a batch without a required column, naming the columns it has.
    fn require(&self, table: ImportTable) -> Result<()> {
        let required: &[&str] = match table {
            ImportTable::Users => &["id", "name", "role"],
            ImportTable::Teams => &["id", "name", "manager"],
            ImportTable::Products => &["id", "name", "category", "list_price", "cost"],
            ImportTable::Customers => &["id", "name", "group", "owner"],
            ImportTable::Targets => &["rep", "year"],
            ImportTable::Sales => &[
                "order", "date", "customer", "product", "quantity", "amount", "currency", "rep",
            ],
        };
        for name in required {
            super::read::column(self.batch, self.table, name)?;
        }
        if table == ImportTable::Sales
            && self.batch.column_by_name("line").is_none()
            && self.batch.column_by_name("id").is_none()
        {
            super::read::column(self.batch, self.table, "line")?;
        }
        Ok(())
    }

    /// The text of a cell: `None` when the column is absent, the cell null or blank.
    fn text(&self, name: &str, i: usize) -> Result<Option<String>> {
        let Some(array) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if array.is_null(i) {
            return Ok(None);
        }
        let text = match array.data_type() {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32 => self.integer(array, name, i)?.map(|n| n.to_string()),
            _ => {
                let text = Text::of(array, self.table, name)?;
                let value = text.value(i);
                (!value.trim().is_empty()).then(|| value.to_string())
            }
        };
        Ok(text)
    }

    /// A cell that must hold text.
    fn required(&self, name: &str, i: usize) -> Result<String> {
        match self.text(name, i)? {
            Some(t) => Ok(t),
            None => self.refuse(name, i, "is empty; every row needs a value"),
        }
    }

    fn integer(&self, array: &ArrayRef, name: &str, i: usize) -> Result<Option<i64>> {
        if array.is_null(i) {
            return Ok(None);
        }
        Ok(Some(match array.data_type() {
            DataType::Int8 => i64::from(array.as_primitive::<Int8Type>().value(i)),
            DataType::Int16 => i64::from(array.as_primitive::<Int16Type>().value(i)),
            DataType::Int32 => i64::from(array.as_primitive::<Int32Type>().value(i)),
            DataType::Int64 => array.as_primitive::<Int64Type>().value(i),
            DataType::UInt8 => i64::from(array.as_primitive::<UInt8Type>().value(i)),
            DataType::UInt16 => i64::from(array.as_primitive::<UInt16Type>().value(i)),
            DataType::UInt32 => i64::from(array.as_primitive::<UInt32Type>().value(i)),
            other => return self.refuse(name, i, format!("is {other}, expected an integer")),
        }))
    }

    /// A decimal cell: decimal128, an integer, or text parsed exactly; never a float.
    fn decimal(&self, name: &str, i: usize) -> Result<Option<Decimal>> {
        let Some(array) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if array.is_null(i) {
            return Ok(None);
        }
        match array.data_type() {
            DataType::Decimal128(_, scale) if *scale >= 0 => {
                let a: &Decimal128Array = array.as_primitive();
                let raw = a.value(i);
                Decimal::try_from_i128_with_scale(raw, u32::from(scale.unsigned_abs()))
                    .map(Some)
                    .or_else(|_| {
                        self.refuse(
                            name,
                            i,
                            format!("{raw} at scale {scale} has more than 28 digits"),
                        )
                    })
            }
            t if t.is_floating() => self.refuse(
                name,
                i,
                format!("is {t}: money is exact, never a float; write it as text or decimal128"),
            ),
            t if t.is_integer() => Ok(self.integer(array, name, i)?.map(Decimal::from)),
            _ => match self.text(name, i)? {
                None => Ok(None),
                Some(t) => crate::input::parse_decimal(&self.field(name, i), &t)
                    .map(Some)
                    .map_err(Error::from),
            },
        }
    }

    fn required_decimal(&self, name: &str, i: usize) -> Result<Decimal> {
        match self.decimal(name, i)? {
            Some(d) => Ok(d),
            None => self.refuse(name, i, "is empty; every row needs a value"),
        }
    }

    /// A date cell: date32, or text `YYYY-MM-DD`.
    fn date(&self, name: &str, i: usize) -> Result<Option<NaiveDate>> {
        let Some(array) = self.batch.column_by_name(name) else {
            return Ok(None);
        };
        if array.is_null(i) {
            return Ok(None);
        }
        let date = if array.data_type() == &DataType::Date32 {
            let days = super::read::days(array, self.table, name)?;
            days.get(i).map(|d| from_days(*d))
        } else {
            match self.text(name, i)? {
                None => None,
                Some(t) => match NaiveDate::parse_from_str(t.trim(), "%Y-%m-%d") {
                    Ok(d) => Some(d),
                    Err(_) => {
                        return self.refuse(
                            name,
                            i,
                            format!("{t:?} is not a date such as 2026-11-30"),
                        );
                    }
                },
            }
        };
        match date {
            Some(d) => Ok(Some(crate::input::date(&self.field(name, i), d)?)),
            None => Ok(None),
        }
    }

    /// A whole-number cell (a year, a line number).
    fn number(&self, name: &str, i: usize) -> Result<Option<i128>> {
        Ok(match self.decimal(name, i)? {
            None => None,
            Some(d) if d.fract().is_zero() => d.to_i128(),
            Some(d) => return self.refuse(name, i, format!("{d} is not a whole number")),
        })
    }
}

/// The rows read so far.
struct Builder {
    table: ImportTable,
    rows: ImportRows,
    problems: Vec<Error>,
    /// A record's key -> its index in the batch (rows of one record are merged).
    keys: HashMap<String, usize>,
    currency: Currency,
}

impl Builder {
    fn row(&mut self, c: &Cells<'_>, i: usize, row: usize) -> Result<()> {
        let batch = &mut self.rows.batch;
        match self.table {
            ImportTable::Users => {
                let role = c.required("role", i)?;
                let role: Role = role
                    .parse()
                    .map_err(|e: Error| Error::invalid(c.field("role", i), e.to_string()))?;
                batch.users.push(UserRow {
                    id: UserId::from(c.required("id", i)?),
                    name: c.required("name", i)?,
                    role,
                    team: c.text("team", i)?.map(TeamId::from),
                });
            }
            ImportTable::Teams => batch.teams.push(TeamRow {
                id: TeamId::from(c.required("id", i)?),
                name: c.required("name", i)?,
                manager: UserId::from(c.required("manager", i)?),
                director: c.text("director", i)?.map(UserId::from),
            }),
            ImportTable::Products => {
                let currency = match c.text("currency", i)? {
                    Some(code) => Currency::new(&code)
                        .map_err(|e| Error::invalid(c.field("currency", i), e.to_string()))?,
                    None => self.currency,
                };
                batch.products.push(Product {
                    id: c.required("id", i)?,
                    name: c.required("name", i)?,
                    category: c.required("category", i)?,
                    list_price: Money::new(c.required_decimal("list_price", i)?, currency),
                    cost: Money::new(c.required_decimal("cost", i)?, currency),
                });
            }
            ImportTable::Customers => return self.customer(c, i, row),
            ImportTable::Targets => {
                let year = c
                    .number("year", i)?
                    .ok_or_else(|| Error::invalid(c.field("year", i), "is empty"))?;
                let distribution = match c.text("distribution", i)? {
                    None => None,
                    Some(t) => Some(
                        t.split(';')
                            .map(|p| crate::input::parse_decimal(&c.field("distribution", i), p))
                            .collect::<std::result::Result<Vec<_>, InvalidInput>>()?,
                    ),
                };
                batch.targets.push(TargetRow {
                    rep: UserId::from(c.required("rep", i)?),
                    year: crate::input::year(&c.field("year", i), year)?,
                    annual: Metrics {
                        revenue: c.decimal("revenue", i)?,
                        profit: c.decimal("profit", i)?,
                        new_customers: c.decimal("new_customers", i)?,
                        satisfaction: c.decimal("satisfaction", i)?,
                        supervisor: c.decimal("supervisor", i)?,
                    },
                    distribution,
                });
            }
            ImportTable::Sales => return self.sale(c, i, row),
        }
        self.rows.source_rows.push(row);
        Ok(())
    }

    fn customer(&mut self, c: &Cells<'_>, i: usize, row: usize) -> Result<()> {
        let record = CustomerRow {
            id: c.required("id", i)?,
            name: c.required("name", i)?,
            group: c.required("group", i)?,
            owner: UserId::from(c.required("owner", i)?),
            region: c.text("region", i)?,
            industry: c.text("industry", i)?,
            preferences: c.text("preferences", i)?,
            contacts: Vec::new(),
        };
        let contact = match c.text("contact_name", i)? {
            None => None,
            Some(name) => Some(Contact {
                name,
                title: c.text("contact_title", i)?,
                phone: c.text("contact_phone", i)?,
                email: c.text("contact_email", i)?,
                birthday: c.date("contact_birthday", i)?,
            }),
        };
        let customers = &mut self.rows.batch.customers;
        match self
            .keys
            .get(&record.id)
            .and_then(|&at| customers.get_mut(at))
        {
            Some(earlier) => {
                let mut same = record.clone();
                same.contacts.clone_from(&earlier.contacts);
                if same != *earlier {
                    return c.refuse(
                        "id",
                        i,
                        format!(
                            "customer {} is on an earlier row with other values; rows of one \
                             customer differ only in their contact",
                            record.id
                        ),
                    );
                }
                earlier.contacts.extend(contact);
            }
            None => {
                self.keys.insert(record.id.clone(), customers.len());
                let mut record = record;
                record.contacts.extend(contact);
                customers.push(record);
                self.rows.source_rows.push(row);
            }
        }
        Ok(())
    }

    fn sale(&mut self, c: &Cells<'_>, i: usize, row: usize) -> Result<()> {
        let line = match c.number("line", i)? {
            Some(n) => n,
            // An exported fact's id, `{date}:{order}:{line}`.
            None => match c
                .text("id", i)?
                .as_deref()
                .and_then(|id| id.rsplit(':').next()?.parse().ok())
            {
                Some(n) => n,
                None => return c.refuse("line", i, "is empty; every sale needs its order line"),
            },
        };
        let line = u32::try_from(line).map_err(|_| {
            Error::invalid(c.field("line", i), format!("{line} is not a line number"))
        })?;
        let currency = c.required("currency", i)?;
        let sale = SaleRow {
            order: c.required("order", i)?,
            line,
            date: c
                .date("date", i)?
                .ok_or_else(|| Error::invalid(c.field("date", i), "is empty"))?,
            customer: c.required("customer", i)?,
            product: c.required("product", i)?,
            quantity: c.required_decimal("quantity", i)?,
            amount: c.required_decimal("amount", i)?,
            cost: c.decimal("cost", i)?,
            currency: Currency::new(&currency)
                .map_err(|e| Error::invalid(c.field("currency", i), e.to_string()))?,
            credits: vec![Credit {
                rep: UserId::from(c.required("rep", i)?),
                share_pct: c.decimal("share_pct", i)?.unwrap_or(Decimal::ONE_HUNDRED),
            }],
            category: c.text("category", i)?,
            region: c.text("region", i)?,
        };
        let key = format!("{}:{}:{}", sale.date, sale.order, sale.line);
        let sales = &mut self.rows.batch.sales;
        match self.keys.get(&key).and_then(|&at| sales.get_mut(at)) {
            Some(earlier) => {
                let mut same = sale.clone();
                same.credits.clone_from(&earlier.credits);
                if same != *earlier {
                    return c.refuse(
                        "order",
                        i,
                        format!(
                            "sale {} is on an earlier row with other values; rows of one sale \
                             differ only in the credited rep and share",
                            sale.key()
                        ),
                    );
                }
                earlier.credits.extend(sale.credits);
            }
            None => {
                self.keys.insert(key, sales.len());
                sales.push(sale);
                self.rows.source_rows.push(row);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{Date32Array, Float64Array, Int64Array, StringArray};
    use arrow_schema::{Field, Schema};

    use super::*;

    fn text_batch(columns: &[(&str, Vec<Option<&str>>)]) -> RecordBatch {
        let fields: Vec<Field> = columns
            .iter()
            .map(|(n, _)| Field::new(*n, DataType::Utf8, true))
            .collect();
        let arrays: Vec<ArrayRef> = columns
            .iter()
            .map(|(_, v)| Arc::new(StringArray::from(v.clone())) as ArrayRef)
            .collect();
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).unwrap()
    }

    fn cny() -> Currency {
        Currency::new("CNY").unwrap()
    }

    fn sales_csv() -> RecordBatch {
        let s = |v: &[&'static str]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
        text_batch(&[
            ("order", s(&["SO-1", "SO-1", "SO-2"])),
            ("line", s(&["1", "1", "1"])),
            ("date", s(&["2026-03-02", "2026-03-02", "2026-03-05"])),
            ("customer", s(&["C-1", "C-1", "C-2"])),
            ("product", s(&["P", "P", "P"])),
            ("quantity", s(&["2", "2", "1"])),
            ("amount", s(&["2000.00", "2000.00", "999.5"])),
            ("currency", s(&["CNY", "CNY", "CNY"])),
            ("rep", s(&["li", "wang", "li"])),
            ("share_pct", s(&["60", "40", "100"])),
        ])
    }

    /// A sale credited to two reps is two rows of the table and one row of the batch,
    /// traced back to its first table row.
    #[test]
    fn split_sales_are_one_row_per_rep() {
        let rows = import_rows(ImportTable::Sales, &[sales_csv()], cny()).unwrap();
        let sales = &rows.batch.sales;
        assert_eq!(sales.len(), 2);
        assert_eq!(sales[0].credits.len(), 2);
        assert_eq!(sales[0].amount, Decimal::new(200000, 2));
        assert_eq!(sales[1].amount.to_string(), "999.5");
        assert_eq!(rows.source_rows, [0, 2]);
        assert_eq!(rows.slice(1..2).batch.sales[0].order, "SO-2");
    }

    /// Every bad cell is named by table, column and row, all in one pass.
    #[test]
    fn bad_cells_are_named_where_they_are() {
        let s = |v: &[Option<&'static str>]| v.to_vec();
        let batch = text_batch(&[
            ("order", s(&[Some("SO-1"), Some("SO-2"), Some("SO-3")])),
            ("line", s(&[Some("1"), Some("x"), Some("1")])),
            (
                "date",
                s(&[Some("2026-02-30"), Some("2026-03-01"), Some("2026-03-01")]),
            ),
            ("customer", s(&[Some("C"), Some("C"), None])),
            ("product", s(&[Some("P"), Some("P"), Some("P")])),
            ("quantity", s(&[Some("1"), Some("1"), Some("1")])),
            ("amount", s(&[Some("1"), Some("1"), Some("0.1.2")])),
            ("currency", s(&[Some("CNY"), Some("CNY"), Some("CNY")])),
            ("rep", s(&[Some("li"), Some("li"), Some("li")])),
        ]);
        let problems = import_rows(ImportTable::Sales, &[batch], cny()).unwrap_err();
        let fields: Vec<String> = problems
            .iter()
            .map(|e| match e {
                Error::Invalid(i) => i.field.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            fields,
            ["sales.date[0]", "sales.line[1]", "sales.customer[2]"]
        );
        // A missing column is named with the columns the table has.
        let batch = text_batch(&[("order", vec![Some("SO-1")])]);
        let problems = import_rows(ImportTable::Sales, &[batch], cny()).unwrap_err();
        assert!(
            problems[0].to_string().contains("sales.date"),
            "{:?}",
            problems[0]
        );
    }

    /// Typed columns (what Parquet and polars give) read as themselves; a float amount
    /// is refused, never rounded into cents.
    #[test]
    fn typed_columns_and_floats() {
        let schema = Schema::new(vec![
            Field::new("rep", DataType::Utf8, false),
            Field::new("year", DataType::Int64, false),
            Field::new("revenue", DataType::Float64, true),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(vec!["li"])),
                Arc::new(Int64Array::from(vec![2026])),
                Arc::new(Float64Array::from(vec![0.1])),
            ],
        )
        .unwrap();
        let problems = import_rows(ImportTable::Targets, &[batch], cny()).unwrap_err();
        assert!(
            problems[0].to_string().contains("never a float"),
            "{:?}",
            problems[0]
        );
        let schema = Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("name", DataType::Utf8, false),
            Field::new("group", DataType::Utf8, false),
            Field::new("owner", DataType::Utf8, false),
            Field::new("contact_name", DataType::Utf8, true),
            Field::new("contact_birthday", DataType::Date32, true),
        ]);
        let batch = RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(vec!["C-1", "C-1"])),
                Arc::new(StringArray::from(vec!["Acme", "Acme"])),
                Arc::new(StringArray::from(vec!["retail", "retail"])),
                Arc::new(StringArray::from(vec!["li", "li"])),
                Arc::new(StringArray::from(vec![Some("Zhou"), Some("Qian")])),
                Arc::new(Date32Array::from(vec![Some(3711), None])),
            ],
        )
        .unwrap();
        let rows = import_rows(ImportTable::Customers, &[batch], cny()).unwrap();
        let customer = &rows.batch.customers[0];
        assert_eq!(customer.contacts.len(), 2);
        assert_eq!(
            customer.contacts[0].birthday.unwrap().to_string(),
            "1980-02-29"
        );
    }
}
