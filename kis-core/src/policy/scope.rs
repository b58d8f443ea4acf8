//! Rule scopes and their specificity (the precedence among exclusive rules).

use super::{CustomerScope, PriceRule, ProductScope};
use crate::input::CATEGORY_SEPARATOR;

/// What a rule's product scope is, as an index key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProductKey {
    /// One product.
    Product(String),
    /// A category and its sub-categories.
    Category(String),
    /// Every product.
    All,
}

/// What a rule's customer scope is, as an index key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomerKey {
    /// One customer.
    Customer(String),
    /// A customer group.
    Group(String),
    /// Every customer.
    All,
}

impl ProductKey {
    /// The key of a rule's product scope.
    pub fn of(rule: &PriceRule) -> ProductKey {
        match &rule.products {
            Some(ProductScope { id: Some(id), .. }) => ProductKey::Product(id.clone()),
            Some(ProductScope {
                category: Some(c), ..
            }) => ProductKey::Category(c.clone()),
            _ => ProductKey::All,
        }
    }

    /// More specific scopes rank higher: product > deeper category > shallower > all.
    pub fn specificity(&self) -> u32 {
        match self {
            ProductKey::Product(_) => u32::MAX,
            ProductKey::Category(path) => {
                1u32.saturating_add(path.split(CATEGORY_SEPARATOR).count() as u32)
            }
            ProductKey::All => 0,
        }
    }
}

impl CustomerKey {
    /// The key of a rule's customer scope.
    pub fn of(rule: &PriceRule) -> CustomerKey {
        match &rule.customers {
            Some(CustomerScope { id: Some(id), .. }) => CustomerKey::Customer(id.clone()),
            Some(CustomerScope { group: Some(g), .. }) => CustomerKey::Group(g.clone()),
            _ => CustomerKey::All,
        }
    }

    /// customer > group > all.
    pub fn specificity(&self) -> u32 {
        match self {
            CustomerKey::Customer(_) => 2,
            CustomerKey::Group(_) => 1,
            CustomerKey::All => 0,
        }
    }
}

/// The product keys a product matches, most specific first: itself, its category and
/// every ancestor category, then all.
pub fn product_keys(product_id: &str, category: &str) -> Vec<ProductKey> {
    let mut keys = vec![ProductKey::Product(product_id.to_string())];
    let mut path = category.trim();
    while !path.is_empty() {
        keys.push(ProductKey::Category(path.to_string()));
        path = match path.rfind(CATEGORY_SEPARATOR) {
            Some(i) => &path[..i],
            None => "",
        };
    }
    keys.push(ProductKey::All);
    keys
}

/// The customer keys a customer matches: itself, its group, all.
pub fn customer_keys(customer: Option<&str>, group: Option<&str>) -> Vec<CustomerKey> {
    let mut keys = Vec::with_capacity(3);
    if let Some(c) = customer {
        keys.push(CustomerKey::Customer(c.to_string()));
    }
    if let Some(g) = group {
        keys.push(CustomerKey::Group(g.to_string()));
    }
    keys.push(CustomerKey::All);
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_product_matches_its_category_and_every_ancestor() {
        let keys = product_keys("KIS-PRO", "software>erp>cloud");
        assert_eq!(
            keys,
            vec![
                ProductKey::Product("KIS-PRO".into()),
                ProductKey::Category("software>erp>cloud".into()),
                ProductKey::Category("software>erp".into()),
                ProductKey::Category("software".into()),
                ProductKey::All,
            ]
        );
        let spec: Vec<u32> = keys.iter().map(ProductKey::specificity).collect();
        assert!(spec.windows(2).all(|w| w[0] > w[1]), "{spec:?}");
    }
}
