/**
 * Word lists for the seeded dataset. They deliberately mix apostrophes and
 * non-ASCII letters into ordinary names so that every layer above (SOQL and
 * SuiteQL escaping, JSON, search, e-mail folding) meets them in normal traffic,
 * not only in the fixtures.
 */

export const FIRST_NAMES: readonly string[] = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Daniel', 'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Betty', 'Mark', 'Margaret', 'Steven', 'Sandra',
  'Andrew', 'Ashley', 'Joshua', 'Emily', 'Kevin', 'Donna', 'Brian', 'Michelle', 'George', 'Carol',
  'Timothy', 'Amanda', 'Ryan', 'Melissa', 'Jacob', 'Deborah', 'Gary', 'Stephanie', 'Nicholas', 'Rebecca',
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Ethan', 'Sophia', 'Mason', 'Isabella', 'Lucas',
  'Mia', 'Aiden', 'Harper', 'Elijah', 'Amelia', 'Logan', 'Evelyn', 'Oliver', 'Abigail', 'Benjamin',
  'Priya', 'Arjun', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Min-jun', 'Ji-woo', 'Aisha', 'Omar',
  'Fatima', 'Mohammed', 'Kwame', 'Amara', 'Tariq', 'Leila', 'Dmitri', 'Anastasia', 'Mateo', 'Valentina',
  'Siobhan', 'Niamh', 'Seán', 'Aoife', 'Ciarán', 'Róisín', 'Declan', 'Saoirse', 'Pádraig', 'Orla',
  'Zoë', 'Chloé', 'Renée', 'Hélène', 'François', 'Amélie', 'Jérôme', 'Céline', 'Noël', 'Anaïs',
  'José', 'Inés', 'Sofía', 'Martín', 'Lucía', 'Andrés', 'María', 'Raúl', 'Ramón', 'Mónica',
  'Jürgen', 'Jörg', 'Björn', 'Søren', 'Åsa', 'Maja', 'Günter', 'Käthe', 'Lukas', 'Anja',
  'Łukasz', 'Zofia', 'Michał', 'Agnieszka', 'Tomáš', 'Jiří', 'Věra', 'Ingrid', 'Henrik', 'Astrid',
];

export const LAST_NAMES: readonly string[] = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Patel', 'Shah', 'Chen', 'Wang', 'Kim', 'Park', 'Tanaka', 'Sato', 'Okafor', 'Mensah',
  'Haddad', 'Khan', 'Ivanov', 'Petrova', 'Rossi', 'Bianchi', 'Ferrari', 'Silva', 'Santos', 'Costa',
  "O'Brien", "O'Connor", "O'Neill", "O'Sullivan", "O'Reilly", "D'Angelo", "D'Souza", "D'Amico", "McDonald", "MacLeod",
  'Müller', 'Schäfer', 'Schröder', 'Köhler', 'Groß', 'Weiß', 'Bäcker', 'Jäger', 'Fröhlich', 'Krüger',
  'Núñez', 'Ñúñez', 'García-Márquez', 'Peña', 'Muñoz', 'Ibáñez', 'Gómez', 'Jiménez', 'Domínguez', 'Cortés',
  'Lefèvre', 'Dubois', 'Mercier', 'Girard', 'Bérubé', 'Côté', 'Gagné', 'Lévesque', 'Bélanger', 'Pelletier',
  'Søndergaard', 'Ødegaard', 'Åberg', 'Löfgren', 'Nyström', 'Wiśniewski', 'Łukasiewicz', 'Kowalczyk', 'Novák', 'Dvořáková',
];

/** Company name shapes; `{last}` is filled with a surname, `{word}` with a word below. */
export const COMPANY_PATTERNS: readonly string[] = [
  '{last} & Sons', '{last} Outfitters', "{last}'s Boutique", '{word} Supply Co.', '{word} Retail Group',
  '{last} Trading GmbH', '{word} Home & Garden', '{last} Sporting Goods', '{word} Apparel LLC', '{word} Hospitality Inc.',
  '{last} Interiors', '{word} Office Solutions', 'Café {last}', '{word} Events Ltd', '{last} Family Stores',
];

export const COMPANY_WORDS: readonly string[] = [
  'Northwind', 'Bluebird', 'Summit', 'Harbor', 'Evergreen', 'Maple Leaf', 'Redwood', 'Lakeside', 'Ironbridge', 'Silverline',
  'Brightwater', 'Cedar', 'Pioneer', 'Granite', 'Meridian', 'Alpenglück', 'Zürich Lane', 'Côte Nord', 'Fjord', 'Sunrise',
];

export const CONTACT_ROLES: readonly string[] = [
  'Buyer', 'Accounts Payable', 'Store Manager', 'Procurement Lead', 'Owner', 'Office Manager', 'Operations Director',
];

export interface ProductFamily {
  /** Product nouns sharing a price band. */
  nouns: readonly string[];
  /** Inclusive price band in cents. */
  minCents: number;
  maxCents: number;
}

export const PRODUCT_ADJECTIVES: readonly string[] = [
  'Classic', 'Essential', 'Premium', 'Everyday', 'Heritage', 'Urban', 'Alpine', 'Coastal', 'Performance', 'Organic',
  'Vintage', 'Lightweight', 'Signature', 'Studio', 'Nordic', 'Trail', 'Luxe', 'Eco', 'Pro', 'Côte',
];

export const PRODUCT_MATERIALS: readonly string[] = [
  'Cotton', 'Merino', 'Linen', 'Denim', 'Leather', 'Canvas', 'Fleece', 'Bamboo', 'Stainless', 'Ceramic', 'Oak', 'Cashmere',
];

export const PRODUCT_FAMILIES: readonly ProductFamily[] = [
  { nouns: ['Crew T-Shirt', 'Polo Shirt', 'Henley', 'Tank Top', 'Socks (3-Pack)', 'Beanie'], minCents: 900, maxCents: 3900 },
  { nouns: ['Hoodie', 'Sweater', 'Chinos', 'Jeans', 'Shorts', 'Dress', 'Skirt', 'Cardigan'], minCents: 3900, maxCents: 12900 },
  { nouns: ['Jacket', 'Parka', 'Blazer', 'Trench Coat', 'Rain Shell'], minCents: 8900, maxCents: 34900 },
  { nouns: ['Sneakers', 'Boots', 'Loafers', 'Sandals', 'Running Shoes'], minCents: 4900, maxCents: 22900 },
  { nouns: ['Backpack', 'Tote Bag', 'Wallet', 'Belt', 'Duffel Bag', 'Sunglasses'], minCents: 1900, maxCents: 15900 },
  { nouns: ['Water Bottle', 'Travel Mug', 'Cutting Board', 'Chef Knife', 'Dinner Plate Set', 'Candle'], minCents: 1200, maxCents: 8900 },
  { nouns: ['Throw Blanket', 'Bath Towel Set', 'Duvet Cover', 'Pillow', 'Rug'], minCents: 2900, maxCents: 24900 },
  { nouns: ['Yoga Mat', 'Camping Chair', 'Headlamp', 'Tent (2-Person)', 'Sleeping Bag'], minCents: 1900, maxCents: 39900 },
];

export interface CityInfo {
  city: string;
  /** State or province code; null where the ERP leaves it blank. */
  state: string | null;
  /** US/DE: the first digits of the postal code; CA: the first letter; GB: an outward code. */
  postal: string;
}

export interface CountryInfo {
  code: string;
  cities: readonly CityInfo[];
  streets: readonly string[];
}

export const COUNTRIES: Readonly<Record<'US' | 'CA' | 'GB' | 'DE', CountryInfo>> = {
  US: {
    code: 'US',
    cities: [
      { city: 'New York', state: 'NY', postal: '100' }, { city: 'Brooklyn', state: 'NY', postal: '112' },
      { city: 'Los Angeles', state: 'CA', postal: '900' }, { city: 'San Francisco', state: 'CA', postal: '941' },
      { city: 'Chicago', state: 'IL', postal: '606' }, { city: 'Houston', state: 'TX', postal: '770' },
      { city: 'Austin', state: 'TX', postal: '787' }, { city: 'Seattle', state: 'WA', postal: '981' },
      { city: 'Denver', state: 'CO', postal: '802' }, { city: 'Boston', state: 'MA', postal: '021' },
      { city: 'Miami', state: 'FL', postal: '331' }, { city: 'Atlanta', state: 'GA', postal: '303' },
      { city: 'Portland', state: 'OR', postal: '972' }, { city: 'Phoenix', state: 'AZ', postal: '850' },
      { city: 'Española', state: 'NM', postal: '875' }, { city: 'Cañon City', state: 'CO', postal: '812' },
      { city: "Coeur d'Alene", state: 'ID', postal: '838' }, { city: 'Minneapolis', state: 'MN', postal: '554' },
    ],
    streets: [
      'Main St', 'Oak Ave', 'Maple Dr', 'Cedar Ln', 'Elm St', 'Washington Blvd', 'Lake Shore Dr', 'Sunset Blvd',
      'Park Ave', 'Broadway', 'Pine St', 'Market St', 'Peachtree Rd', 'Congress Ave', 'Calle Español', "Martin's Way",
    ],
  },
  CA: {
    code: 'CA',
    cities: [
      { city: 'Toronto', state: 'ON', postal: 'M' }, { city: 'Ottawa', state: 'ON', postal: 'K' },
      { city: 'Montréal', state: 'QC', postal: 'H' }, { city: 'Québec', state: 'QC', postal: 'G' },
      { city: 'Trois-Rivières', state: 'QC', postal: 'G' }, { city: 'Vancouver', state: 'BC', postal: 'V' },
      { city: 'Calgary', state: 'AB', postal: 'T' }, { city: 'Halifax', state: 'NS', postal: 'B' },
    ],
    streets: [
      'Rue Saint-Denis', 'Boulevard René-Lévesque', 'Rue Sainte-Catherine', 'Yonge St', 'Queen St W', 'Granville St',
      'Avenue du Mont-Royal', "Chemin de l'Église", 'Spring Garden Rd', '17th Ave SW',
    ],
  },
  GB: {
    code: 'GB',
    cities: [
      { city: 'London', state: null, postal: 'SW1A' }, { city: 'London', state: null, postal: 'EC2A' },
      { city: 'Manchester', state: null, postal: 'M1' }, { city: 'Edinburgh', state: null, postal: 'EH1' },
      { city: 'Bristol', state: null, postal: 'BS1' }, { city: 'Leeds', state: null, postal: 'LS1' },
      { city: 'Cardiff', state: null, postal: 'CF10' }, { city: 'Belfast', state: null, postal: 'BT1' },
    ],
    streets: [
      'High Street', "King's Road", "St. Mary's Lane", 'Church Road', 'Station Road', 'Victoria Street',
      "Queen's Avenue", 'Mill Lane', 'The Crescent', 'Abbey Road',
    ],
  },
  DE: {
    code: 'DE',
    cities: [
      { city: 'Berlin', state: null, postal: '10' }, { city: 'München', state: null, postal: '80' },
      { city: 'Köln', state: null, postal: '50' }, { city: 'Düsseldorf', state: null, postal: '40' },
      { city: 'Hamburg', state: null, postal: '20' }, { city: 'Nürnberg', state: null, postal: '90' },
      { city: 'Frankfurt am Main', state: null, postal: '60' }, { city: 'Lübeck', state: null, postal: '23' },
    ],
    streets: [
      'Königstraße', 'Hauptstraße', 'Schloßallee', 'Bahnhofstraße', 'Gartenstraße', 'Müllerstraße',
      'Friedrichstraße', 'Am Rosengärtchen', 'Lindenstraße', 'Kurfürstendamm',
    ],
  },
};

export const RETURN_REASONS: readonly string[] = [
  'Wrong size', 'Damaged in transit', 'Not as described', 'Changed my mind', 'Arrived too late', 'Defective', 'Wrong item sent',
];

/**
 * Ticket subjects that concern one order; `{order}` is filled with its number.
 * `stage` is the least the order must have reached for the question to make sense.
 */
export const ORDER_TICKET_SUBJECTS: readonly {
  subject: string;
  body: string;
  tags: readonly string[];
  stage: 'any' | 'shipped' | 'billed';
}[] = [
  { subject: 'Where is my order {order}?', body: "Hi, I placed order {order} and haven't received a shipping update yet. Can you check?", tags: ['order_status', 'wismo'], stage: 'any' },
  { subject: 'Damaged item in order {order}', body: 'One of the items in order {order} arrived damaged. The box was crushed.', tags: ['damaged', 'order_issue'], stage: 'shipped' },
  { subject: 'Wrong size received ({order})', body: 'I received the wrong size in order {order}. Can I exchange it?', tags: ['exchange', 'sizing'], stage: 'shipped' },
  { subject: 'Return request for {order}', body: "I'd like to return part of order {order}. What's the process?", tags: ['returns'], stage: 'shipped' },
  { subject: 'Refund status for {order}', body: "I sent back items from {order} two weeks ago and haven't seen a refund.", tags: ['refund', 'returns'], stage: 'shipped' },
  { subject: 'Change delivery address for {order}', body: 'Can the delivery address for {order} still be changed?', tags: ['address_change', 'order_status'], stage: 'any' },
  { subject: 'Invoice question about {order}', body: 'The invoice for {order} shows a different amount than we agreed. Please advise.', tags: ['billing', 'invoice'], stage: 'billed' },
];

export const GENERAL_TICKET_SUBJECTS: readonly { subject: string; body: string; tags: readonly string[] }[] = [
  { subject: 'Question about my loyalty points', body: "My loyalty points balance looks lower than I expected. Could you check it?", tags: ['loyalty'] },
  { subject: 'Please update my email address', body: 'I have a new email address and would like my account updated.', tags: ['account_update'] },
  { subject: 'Unsubscribe me from SMS', body: 'Please stop sending me text messages about promotions.', tags: ['consent', 'sms'] },
  { subject: 'Store opening hours', body: 'What are the opening hours of my local store over the holidays?', tags: ['store_info'] },
  { subject: 'Gift card balance', body: "I can't see the balance of my gift card online.", tags: ['gift_card'] },
  { subject: 'Cannot log in to my account', body: 'The password reset email never arrives. Can you help me log in?', tags: ['login', 'account'] },
  { subject: 'Bulk pricing request', body: 'We would like a quote for a larger order for our stores. Who can help?', tags: ['b2b', 'quote'] },
  { subject: 'Product availability', body: 'Will the item I saw last month be back in stock soon?', tags: ['stock'] },
];

export const AGENT_REPLIES: readonly string[] = [
  "Thanks for reaching out! I'm looking into this for you now.",
  'I have checked with our warehouse team and will update you shortly.',
  "Sorry for the trouble. I've escalated this to the right team.",
  'Could you send us a photo of the item and the packing slip, please?',
  "Good news: this has been sorted out. Let us know if there's anything else.",
  "I've issued the update on our side; you should see it within 24 hours.",
];

export const CUSTOMER_REPLIES: readonly string[] = [
  'Thank you for the quick reply.',
  'Any update on this? It has been a few days.',
  "Here's the photo you asked for.",
  'That works for me, thanks!',
  "I'm still waiting on this, please help.",
];

export const INTERNAL_NOTES: readonly string[] = [
  'Checked NetSuite: fulfillment created, carrier scan pending.',
  'Customer is on credit hold; looping in finance before promising anything.',
  'Known carrier delay in the region this week.',
  'Approved a goodwill credit of 10%; waiting on finance.',
  'Duplicate of an earlier ticket; merging after customer confirms.',
  'VIP customer (Platinum tier); prioritise.',
];
