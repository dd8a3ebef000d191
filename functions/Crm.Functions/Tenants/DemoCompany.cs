using System.Text.Json.Nodes;
using Crm.Domain.Access;
using Crm.Domain.Common;
using Crm.Domain.Organisation;
using Crm.Domain.Sales;
using Crm.Domain.Tenants;
using Crm.Functions.Access;
using Crm.Functions.Contacts;
using Crm.Functions.Customers;
using Crm.Functions.Departments;
using Crm.Functions.FollowUps;
using Crm.Functions.Leads;
using Crm.Functions.Opportunities;
using Crm.Functions.Pool;
using Crm.Functions.Records;
using Crm.Functions.Roles;
using Crm.Functions.Users;
using Crm.Functions.Web;
using Crm.Storage.Records;

using ContactRecords = Crm.Functions.Records.RecordWriter<Crm.Domain.Sales.Contact, Crm.Functions.Contacts.ContactFields, Crm.Functions.Contacts.ContactService>;
using CustomerRecords = Crm.Functions.Records.RecordWriter<Crm.Domain.Sales.Customer, Crm.Functions.Customers.CustomerFields, Crm.Functions.Customers.CustomerService>;
using FollowUpRecords = Crm.Functions.Records.RecordWriter<Crm.Domain.Sales.FollowUp, Crm.Functions.FollowUps.CreateFollowUp, Crm.Functions.FollowUps.FollowUpService>;
using LeadRecords = Crm.Functions.Records.RecordWriter<Crm.Domain.Sales.Lead, Crm.Functions.Leads.LeadFields, Crm.Functions.Leads.LeadService>;
using OpportunityRecords = Crm.Functions.Records.RecordWriter<Crm.Domain.Sales.Opportunity, Crm.Functions.Opportunities.CreateOpportunity, Crm.Functions.Opportunities.OpportunityService>;

namespace Crm.Functions.Tenants;

/// <summary>What the demo seeding made (or found made already).</summary>
public sealed record DemoSummary(int Departments, int Users, int Customers, int Contacts, int Opportunities, int Leads, int ConvertedLeads,
    int FollowUps, int Released);

/// <summary>
/// A realistic small company for the README's run command (issue 4 "Demo data"): sales departments with
/// a manager and reps each, a service agent, ~50 customers with contacts, opportunities across every stage,
/// follow-ups (some with a reminder due in the coming days), leads in every status (a few converted) and a few
/// customers released to the public pool. Everything is written through the same services and checks as the API, each record by the
/// colleague who owns it, so the audit log and data scope look as they would in real use. Rerunning
/// after an interruption completes what is missing without duplicating anything (unique names and
/// logins find what exists; leads, which have no unique name, carry an idempotency mark).
/// </summary>
internal sealed class DemoCompany(AccessDirectory access, DepartmentService departments, UserService users, RecordStore<Role> roles,
    CustomerRecords customers, ContactRecords contacts, OpportunityRecords opportunities, OpportunityStages stages,
    LeadRecords leads, LeadConversion conversion, FollowUpRecords followUps, PublicPool pool, TimeProvider clock)
{
    private sealed record Staff(string Login, string Name, string Department, string Position, string Role, string? Superior);

    private static readonly (string Name, string? Parent)[] Departments =
        [("Sales East", null), ("Sales North", null), ("Customer Service", null)];

    private static readonly Staff[] People =
    [
        new("zhou.min", "Zhou Min", "Sales East", "Sales Manager", "salesManager", null),
        new("li.lei", "Li Lei", "Sales East", "Account Executive", "salesRep", "zhou.min"),
        new("han.mei", "Han Mei", "Sales East", "Account Executive", "salesRep", "zhou.min"),
        new("chen.hao", "Chen Hao", "Sales North", "Sales Manager", "salesManager", null),
        new("lin.tao", "Lin Tao", "Sales North", "Account Executive", "salesRep", "chen.hao"),
        new("gao.yan", "Gao Yan", "Customer Service", "Service Agent", "serviceAgent", null),
    ];

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

    public async Task<DemoSummary> SeedAsync(Tenant tenant, string password, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var admin = await CallerAsync(tenant.Id, tenant.AdminUserId, cancellationToken);
        var departmentIds = new Dictionary<string, string>();
        foreach (var (name, _) in Departments)
        {
            departmentIds[name] = await DepartmentAsync(admin, tenant.OfficeDepartmentId, name, cancellationToken);
        }
        var staff = new Dictionary<string, string>();
        foreach (var person in People)
        {
            staff[person.Login] = await UserAsync(admin, person, password, departmentIds[person.Department], person.Superior is { } s ? staff[s] : null, cancellationToken);
        }
        var sellers = await Task.WhenAll(People.Where(p => p.Role != "serviceAgent").Select(p => CallerAsync(tenant.Id, staff[p.Login], cancellationToken)));

        int customerCount = 0, contactCount = 0, opportunityCount = 0, followUpsMade = 0, releasedCount = 0;
        for (var i = 0; i < CustomerCount; i++)
        {
            var seller = sellers[i % sellers.Length];
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
        var followUpCount = followUpsMade;
        var (leadCount, convertedCount, leadFollowUps) = await LeadsAsync(sellers, random, cancellationToken);
        return new DemoSummary(departmentIds.Count, staff.Count, customerCount, contactCount, opportunityCount, leadCount, convertedCount,
            followUpCount + leadFollowUps, releasedCount);
    }

    /// <summary>
    /// Leads in every status, each by the colleague who owns it, some followed up; every seventh is qualified and
    /// converted with an opportunity, so the lead list, a conversion and its timeline all have something to show.
    /// </summary>
    private async Task<(int Leads, int Converted, int FollowUps)> LeadsAsync(Caller[] sellers, Random random, CancellationToken cancellationToken)
    {
        int made = 0, converted = 0, followedUp = 0;
        for (var n = 0; n < LeadCount; n++)
        {
            var seller = sellers[n % sellers.Length];
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

    private async Task<string> DepartmentAsync(Caller admin, string parentId, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await departments.CreateAsync(admin, new CreateDepartment { Name = name, ParentId = parentId }, cancellationToken)).Id;
        }
        catch (ConflictException e) when (e.Code == "department.duplicate_name")
        {
            return (string)e.Extensions["existingId"]!;
        }
    }

    private async Task<string> UserAsync(Caller admin, Staff person, string password, string departmentId, string? superiorId, CancellationToken cancellationToken)
    {
        var roleId = await roles.FindIdByUniqueKeyAsync(admin.TenantId, RoleRecordType.BuiltInKey, person.Role, cancellationToken)
            ?? throw new InvalidOperationException($"The built-in role '{person.Role}' is missing.");
        try
        {
            return (await users.CreateAsync(admin, new CreateUser
            {
                Login = person.Login,
                Password = password,
                Name = person.Name,
                Email = $"{person.Login}@demo.example.cn",
                DepartmentId = departmentId,
                Position = person.Position,
                SuperiorId = superiorId,
                RoleIds = [roleId],
            }, cancellationToken)).Id;
        }
        catch (ConflictException e) when (e.Code == "user.duplicate_login")
        {
            return (string)e.Extensions["existingId"]!;
        }
    }

    private async Task<Caller> CallerAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var user = await users.Store.GetAsync(tenantId, userId, cancellationToken);
        return new Caller(tenantId, userId, await access.ProfileAsync(tenantId, user, cancellationToken), null);
    }
}
