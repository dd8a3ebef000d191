using System.Text.Json.Nodes;
using Crm.Domain.Common;
using Crm.Domain.Sales;
using Crm.Platform.Records;
using Crm.Platform.Tenants;
using Crm.Platform.Web;
using Crm.Sales.Contacts;
using Crm.Sales.Customers;
using Crm.Sales.FollowUps;
using Crm.Sales.Leads;
using Crm.Sales.Opportunities;
using Crm.Sales.Pool;
using Crm.Storage.Records;

using ContactRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Contact, Crm.Sales.Contacts.ContactFields, Crm.Sales.Contacts.ContactService>;
using CustomerRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Customer, Crm.Sales.Customers.CustomerFields, Crm.Sales.Customers.CustomerService>;
using FollowUpRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.FollowUp, Crm.Sales.FollowUps.CreateFollowUp, Crm.Sales.FollowUps.FollowUpService>;
using LeadRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Lead, Crm.Sales.Leads.LeadFields, Crm.Sales.Leads.LeadService>;
using OpportunityRecords = Crm.Platform.Records.RecordWriter<Crm.Domain.Sales.Opportunity, Crm.Sales.Opportunities.CreateOpportunity, Crm.Sales.Opportunities.OpportunityService>;

namespace Crm.Sales.Demo;

/// <summary>
/// The sales part of the demo company: ~50 customers with contacts, opportunities across every stage,
/// follow-ups (some with a reminder due in the coming days), leads in every status (a few converted) and a few
/// customers released to the public pool, each record written by the seller who owns it through the same
/// writer and checks as the API. Rerunning after an interruption completes what is missing without duplicating
/// anything (unique names find what exists; leads, which have no unique name, carry an idempotency mark).
/// </summary>
internal sealed class SalesDemoData(CustomerRecords customers, ContactRecords contacts, OpportunityRecords opportunities, OpportunityStages stages,
    LeadRecords leads, LeadConversion conversion, FollowUpRecords followUps, PublicPool pool, TimeProvider clock) : IDemoData
{
    public const string Customers = "customers";
    public const string Released = "released";
    public const string Contacts = "contacts";
    public const string Opportunities = "opportunities";
    public const string Leads = "leads";
    public const string ConvertedLeads = "convertedLeads";
    public const string FollowUps = "followUps";

    private static readonly string[] Cities = ["Shanghai", "Hangzhou", "Suzhou", "Nanjing", "Beijing", "Tianjin", "Qingdao", "Shenzhen", "Guangzhou", "Chengdu"];
    private static readonly string[] Brands = ["Huaxin", "Jinding", "Tianyi", "Hengtai", "Xinghe", "Ruifeng", "Dongfang", "Lianchuang", "Zhongtian", "Boyuan"];
    private static readonly (string Trade, string Industry)[] Trades =
    [
        ("Precision Machinery", "manufacturing"), ("Textiles", "manufacturing"), ("Software", "it"), ("Retail Chain", "retail"),
        ("Medical Devices", "healthcare"), ("Education Technology", "education"), ("Securities", "finance"), ("Electronics", "manufacturing"),
    ];
    private static readonly string[] Sources = ["website", "referral", "exhibition", "coldCall", "advertising", "partner"];
    private static readonly string[] People1 = ["Zhang Wei", "Wang Fang", "Liu Yang", "Chen Jing", "Yang Lei", "Zhao Min", "Huang Qiang", "Zhou Jie", "Wu Xia", "Xu Ming", "Sun Li", "Ma Chao"];
    private static readonly (string Title, string Role)[] Titles =
        [("General Manager", "decisionMaker"), ("Purchasing Manager", "influencer"), ("IT Director", "champion"), ("Finance Director", "gatekeeper"), ("Engineer", "user")];
    private static readonly (string Name, decimal Price)[] Products =
        [("CRM subscription (seat/year)", 1_200m), ("Implementation service (day)", 3_000m), ("Premium support (year)", 20_000m), ("Data migration", 15_000m)];
    private static readonly string[] Stages = ["qualification", "needsAnalysis", "proposal", "negotiation", "won", "lost"];
    private static readonly string[] Channels = ["phone", "visit", "email", "wechat", "meeting"];
    private static readonly string[] Notes =
    [
        "Introduced our product line; they are comparing three vendors.", "Visited the plant; the IT director wants a pilot for one team.",
        "Sent the pricing sheet and two reference cases.", "Call about the renewal date; budget approval expected next month.",
        "Demo for the purchasing team; questions about data migration.", "WeChat follow-up: they asked for an on-site workshop.",
    ];
    private static readonly string[] LeadStatuses = ["new", "new", "contacted", "qualified", "unqualified"];
    private static readonly string[] LeadCompanies =
        ["Pudong Logistics", "Lakeside Hotels", "Greenfield Agritech", "Harbor Shipping", "Summit Pharma", "Riverside Schools", "Golden Bridge Finance",
         "Northstar Robotics", "Bluewave Media", "Redwood Furniture", "Silk Road Trading", "Jade Mountain Tea", "Crystal Optics", "Pearl Delta Foods",
         "Phoenix Motors", "Evergreen Clinics", "Skyline Property", "Orchid Cosmetics", "Granite Construction", "Lotus Software"];

    public const int CustomerCount = 50;
    public const int LeadCount = 20;

    public async Task<DemoPart> SeedAsync(DemoTeam team, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var sellers = team.Sellers;
        int customerCount = 0, contactCount = 0, opportunityCount = 0, followUpsMade = 0, releasedCount = 0;
        for (var i = 0; i < CustomerCount; i++)
        {
            var seller = sellers[i % sellers.Count];
            var (trade, industry) = Trades[i % Trades.Length];
            var name = $"{Cities[i % Cities.Length]} {Brands[(i / Cities.Length + i) % Brands.Length]} {trade} Co., Ltd.";
            var (customerId, fresh) = await CustomerAsync(seller, new CustomerFields
            {
                Name = name,
                Source = Sources[random.Next(Sources.Length)],
                Level = random.Next(10) switch { < 2 => "a", < 7 => "b", _ => "c" },
                Industry = industry,
                Kind = "direct",
                Phone = $"021-{random.Next(5000_0000, 9999_9999)}",
                Website = $"https://www.{Brands[(i / Cities.Length + i) % Brands.Length].ToLowerInvariant()}{i}.example.cn",
                Address = new Address { Country = "China", City = Cities[i % Cities.Length] },
                Tags = i % 4 == 0 ? ["key-account"] : [],
            }, cancellationToken);
            customerCount++;
            // A customer found already seeded keeps what it has; one made just now gets its people and deals.
            if (!fresh)
            {
                continue;
            }
            var people = new List<(string Id, string Role)>();
            for (var c = 0; c < 1 + random.Next(3); c++)
            {
                var (title, role) = Titles[(i + c) % Titles.Length];
                var contact = await contacts.CreateAsync(seller, new ContactFields
                {
                    CustomerId = customerId,
                    Name = People1[(i * 3 + c) % People1.Length],
                    Title = title,
                    DecisionRole = role,
                    IsPrimary = c == 0,
                    Mobile = $"139{random.Next(1000_0000, 9999_9999)}",
                    Email = $"contact{c}.{i}@example.cn",
                    ReportsToId = c > 0 ? people[0].Id : null,
                }, cancellationToken);
                people.Add((contact.Id, role));
                contactCount++;
            }
            if (i % 5 < 3)
            {
                await OpportunityAsync(seller, customerId, name, people, Stages[i % Stages.Length], random, cancellationToken);
                opportunityCount++;
            }
            for (var f = 0; f < i % 3; f++)
            {
                await FollowUpAsync(seller, "customer", customerId, random, cancellationToken);
                followUpsMade++;
            }
            if (i % 10 == 9)
            {
                // No deal, no interest this year: back to the public pool for a colleague to claim.
                await pool.ReleaseAsync(seller, customerId, null, new ReleaseCustomer("No budget this year; worth another try in spring."), cancellationToken);
                releasedCount++;
            }
        }
        var (leadCount, convertedCount, leadFollowUps) = await LeadsAsync(sellers, random, cancellationToken);
        var followUpCount = followUpsMade + leadFollowUps;
        return new DemoPart(
            $"{customerCount} customers ({releasedCount} in the public pool), {contactCount} contacts, {opportunityCount} opportunities, "
            + $"{leadCount} leads ({convertedCount} converted), {followUpCount} follow-ups",
            new Dictionary<string, int>(StringComparer.Ordinal)
            {
                [Customers] = customerCount, [Released] = releasedCount, [Contacts] = contactCount, [Opportunities] = opportunityCount,
                [Leads] = leadCount, [ConvertedLeads] = convertedCount, [FollowUps] = followUpCount,
            });
    }

    /// <summary>
    /// Leads in every status, each by the colleague who owns it, some followed up; every seventh is qualified and
    /// converted with an opportunity, so the lead list, a conversion and its timeline all have something to show.
    /// </summary>
    private async Task<(int Leads, int Converted, int FollowUps)> LeadsAsync(IReadOnlyList<Caller> sellers, Random random, CancellationToken cancellationToken)
    {
        int made = 0, converted = 0, followedUp = 0;
        for (var n = 0; n < LeadCount; n++)
        {
            var seller = sellers[n % sellers.Count];
            var company = LeadCompanies[n % LeadCompanies.Length];
            var convert = n % 7 == 3;
            Lead lead;
            try
            {
                lead = await leads.CreateAsync(seller with { Mark = new WriteMark("lead", $"demo:lead:{n:D3}") }, new LeadFields
                {
                    Name = People1[(n * 5 + 1) % People1.Length],
                    Company = company,
                    Title = Titles[n % Titles.Length].Title,
                    Mobile = $"138{random.Next(1000_0000, 9999_9999)}",
                    Email = $"lead{n}@{company.Split(' ')[0].ToLowerInvariant()}.example.cn",
                    Source = Sources[n % Sources.Length],
                    Industry = Trades[n % Trades.Length].Industry,
                    Status = convert ? "qualified" : LeadStatuses[n % LeadStatuses.Length],
                    Address = new Address { Country = "China", City = Cities[(n + 3) % Cities.Length] },
                }, cancellationToken);
            }
            catch (ConflictException e) when (e.Code == RecordStore<Lead>.AlreadyWritten)
            {
                made++;
                continue; // seeded by an earlier run, with what followed it
            }
            made++;
            if (n % 2 == 0)
            {
                await FollowUpAsync(seller, "lead", lead.Id, random, cancellationToken);
                followedUp++;
            }
            if (convert)
            {
                await conversion.ConvertAsync(seller, lead.Id, new ConvertLead(CreateOpportunity: new JsonObject
                {
                    ["name"] = $"{company} pilot",
                    ["amount"] = random.Next(5, 40) * 10_000,
                    ["currency"] = "CNY",
                }), cancellationToken);
                converted++;
            }
        }
        return (made, converted, followedUp);
    }

    /// <summary>A follow-up some days ago; every other one asks for a next contact in the coming days, which becomes a reminder.</summary>
    private async Task FollowUpAsync(Caller seller, string relatedType, string relatedId, Random random, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await followUps.CreateAsync(seller, new CreateFollowUp
        {
            RelatedType = relatedType,
            RelatedId = relatedId,
            Channel = Channels[random.Next(Channels.Length)],
            Content = Notes[random.Next(Notes.Length)],
            OccurredAt = now.AddDays(-random.Next(1, 20)).AddHours(-random.Next(8)),
            NextContactAt = random.Next(2) == 0 ? now.AddDays(random.Next(1, 8)).AddHours(random.Next(8)) : null,
        }, cancellationToken);
    }

    private async Task OpportunityAsync(Caller seller, string customerId, string customerName, List<(string Id, string Role)> people, string stage, Random random, CancellationToken cancellationToken)
    {
        var product = Products[random.Next(Products.Length)];
        var opportunity = await opportunities.CreateAsync(seller, new CreateOpportunity
        {
            Name = $"{customerName.Split(' ')[1]} {product.Name.Split(' ')[0]} deal",
            CustomerId = customerId,
            Contacts = [.. people.Take(2).Select(p => new OpportunityContact(p.Id, p.Role))],
            Amount = random.Next(2, 80) * 10_000m,
            Currency = "CNY",
            ExpectedCloseDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(random.Next(-30, 120)),
            ProductLines = [new ProductLine(null, product.Name, random.Next(1, 50), product.Price, random.Next(3) * 5)],
            Competitors = random.Next(2) == 0 ? ["Salesforce"] : [],
            NextStep = "Send the revised proposal",
            StageKey = stage is "won" or "lost" ? "negotiation" : stage,
        }, cancellationToken);
        // Closed deals get there through the actions, so their stage history reads like a real one.
        if (stage == "won")
        {
            await stages.WinAsync(seller, opportunity.Id, null, cancellationToken);
        }
        else if (stage == "lost")
        {
            await stages.LoseAsync(seller, opportunity.Id, null, "competitor", cancellationToken);
        }
    }

    private async Task<(string Id, bool Fresh)> CustomerAsync(Caller seller, CustomerFields input, CancellationToken cancellationToken)
    {
        try
        {
            return ((await customers.CreateAsync(seller, input, cancellationToken)).Id, true);
        }
        catch (ConflictException e) when (e.Code == CustomerRecordType.DuplicateName)
        {
            // Seeded by an earlier run; its id is only told to a seller who can see it (one released to the pool is not).
            return ("", false);
        }
    }
}
