using System.Runtime.CompilerServices;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Crm.ApiTests.Conventions;

/// <summary>
/// The service is a host over module assemblies (Platform; Sales; Commerce, Service, Engagement and
/// Analytics as they come), each feature a namespace in one of them. Features depend on each other in one
/// direction only, modules only on the modules below them, and no module sees another's internals. Read
/// from the compiled assemblies, so every use counts: signatures, attributes, method bodies.
/// </summary>
public sealed class ArchitectureTests
{
    /// <summary>Each module and the modules it may use. A new module adds its line.</summary>
    private static readonly Dictionary<string, string[]> Modules = new(StringComparer.Ordinal)
    {
        ["Crm.Platform"] = [],
        ["Crm.Sales"] = ["Crm.Platform"],
        // Quotes and contracts belong to the sales module's customers (their dependents, delete checks, timeline).
        ["Crm.Commerce"] = ["Crm.Platform", "Crm.Sales"],
        ["Crm.Collaboration"] = ["Crm.Platform"],
    };

    private const string Host = "Crm.Functions";

    private static readonly string[] Roots = [.. Modules.Keys, Host];

    [Fact]
    public void No_feature_namespaces_depend_on_each_other_in_a_cycle()
    {
        var graph = FeatureGraph(Roots, Roots.Select(r => Path.Combine(AppContext.BaseDirectory, r + ".dll")));
        var cycles = StronglyConnected(graph.Keys, f => graph[f].Keys).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(c => Describe(c, graph))));
        Assert.Contains("Crm.Sales.Customers", graph["Crm.Sales.Contacts"].Keys);
    }

    [Fact]
    public void The_check_sees_a_cycle_in_method_bodies()
    {
        // The graph of this very test assembly, where two fixtures below use each other only inside method bodies.
        var root = "Crm.ApiTests.Conventions.Cycle";
        var graph = FeatureGraph([root], [typeof(ArchitectureTests).Assembly.Location]);

        var cycle = Assert.Single(StronglyConnected(graph.Keys, f => graph[f].Keys), c => c.Count > 1);
        Assert.Equal([$"{root}.A", $"{root}.B"], cycle.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Modules_use_only_the_modules_below_them()
    {
        foreach (var (name, allowed) in Modules)
        {
            using var module = ModuleDefinition.ReadModule(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
            var used = module.AssemblyReferences.Select(r => r.Name).Where(Roots.Contains).Order(StringComparer.Ordinal);
            Assert.Equal(allowed.Order(StringComparer.Ordinal), used);
        }
    }

    [Fact]
    public void No_module_opens_its_internals_to_another_assembly_than_the_tests()
    {
        foreach (var name in Modules.Keys)
        {
            var opened = System.Reflection.Assembly.Load(name).GetCustomAttributes(typeof(InternalsVisibleToAttribute), false)
                .Cast<InternalsVisibleToAttribute>().Select(a => a.AssemblyName);
            Assert.All(opened, friend => Assert.Matches(@"^Crm\.\w+Tests$", friend));
        }
    }

    /// <summary>Feature → features it uses → one example "type uses type" for the message.</summary>
    private static Dictionary<string, Dictionary<string, string>> FeatureGraph(IReadOnlyList<string> roots, IEnumerable<string> assemblies)
    {
        using var resolver = new DefaultAssemblyResolver();
        resolver.AddSearchDirectory(AppContext.BaseDirectory);
        var modules = assemblies.Select(a => ModuleDefinition.ReadModule(a, new ReaderParameters { AssemblyResolver = resolver })).ToList();
        try
        {
            var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            foreach (var type in modules.SelectMany(m => m.GetTypes()))
            {
                if (FeatureOf(type, roots) is not { } from)
                {
                    continue;
                }
                var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new(StringComparer.Ordinal);
                foreach (var used in Uses(type).Select(Resolve).OfType<TypeDefinition>())
                {
                    if (FeatureOf(used, roots) is { } to && to != from)
                    {
                        edges.TryAdd(to, $"{Outermost(type).FullName} uses {Outermost(used).FullName}");
                        graph.TryAdd(to, new(StringComparer.Ordinal));
                    }
                }
            }
            return graph;
        }
        finally
        {
            modules.ForEach(m => m.Dispose());
        }
    }

    /// <summary>A type of the framework or a package may not resolve here; only our own assemblies matter.</summary>
    private static TypeDefinition? Resolve(TypeReference type)
    {
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }

    /// <summary>
    /// The root and the first namespace segment under it (<c>Crm.Sales.Customers.X</c> → <c>Crm.Sales.Customers</c>);
    /// a type in the root namespace itself is the module's composition (<c>Crm.Sales</c>).
    /// </summary>
    private static string? FeatureOf(TypeDefinition type, IReadOnlyList<string> roots)
    {
        var ns = Outermost(type).Namespace;
        return roots.FirstOrDefault(r => ns == r || ns.StartsWith(r + ".", StringComparison.Ordinal)) is { } root
            ? ns == root ? root : $"{root}.{ns[(root.Length + 1)..].Split('.')[0]}"
            : null;
    }

    private static TypeDefinition Outermost(TypeDefinition type) => type.DeclaringType is { } outer ? Outermost(outer) : type;

    private static IEnumerable<TypeReference> Uses(TypeDefinition type)
    {
        var found = new List<TypeReference>();
        void Add(TypeReference? t)
        {
            switch (t)
            {
                case null:
                    return;
                case GenericInstanceType g:
                    Add(g.ElementType);
                    g.GenericArguments.ToList().ForEach(Add);
                    return;
                case TypeSpecification s:
                    Add(s.ElementType);
                    return;
                default:
                    found.Add(t);
                    return;
            }
        }
        void AddMethod(MethodReference m)
        {
            Add(m.DeclaringType);
            Add(m.ReturnType);
            m.Parameters.ToList().ForEach(p => Add(p.ParameterType));
            if (m is GenericInstanceMethod g)
            {
                g.GenericArguments.ToList().ForEach(Add);
            }
        }
        void AddAttributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
            {
                Add(attribute.AttributeType);
                attribute.ConstructorArguments.Select(a => a.Value).OfType<TypeReference>().ToList().ForEach(Add);
            }
        }

        Add(type.BaseType);
        type.Interfaces.ToList().ForEach(i => Add(i.InterfaceType));
        AddAttributes(type);
        type.GenericParameters.SelectMany(p => p.Constraints).ToList().ForEach(c => Add(c.ConstraintType));
        foreach (var field in type.Fields)
        {
            Add(field.FieldType);
            AddAttributes(field);
        }
        foreach (var property in type.Properties)
        {
            Add(property.PropertyType);
            AddAttributes(property);
        }
        foreach (var method in type.Methods)
        {
            AddMethod(method);
            AddAttributes(method);
            method.Parameters.ToList().ForEach(AddAttributes);
            if (!method.HasBody)
            {
                continue;
            }
            method.Body.Variables.ToList().ForEach(v => Add(v.VariableType));
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference t:
                        Add(t);
                        break;
                    case MethodReference m:
                        AddMethod(m);
                        break;
                    case FieldReference f:
                        Add(f.DeclaringType);
                        Add(f.FieldType);
                        break;
                }
            }
        }
        return found;
    }

    private static string Describe(IReadOnlyList<string> cycle, Dictionary<string, Dictionary<string, string>> graph) =>
        $"Cycle between {string.Join(", ", cycle.Order(StringComparer.Ordinal))}:\n" + string.Join("\n",
            cycle.SelectMany(from => graph[from].Where(to => cycle.Contains(to.Key)).Select(to => $"  {from} -> {to.Key}: {to.Value}")));

    /// <summary>Tarjan's strongly connected components: each component with more than one node holds a cycle.</summary>
    private static List<List<string>> StronglyConnected(IEnumerable<string> nodes, Func<string, IEnumerable<string>> next)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var low = new Dictionary<string, int>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var components = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in next(v))
            {
                if (!index.TryGetValue(w, out var seen))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], seen);
                }
            }
            if (low[v] == index[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                components.Add(component);
            }
        }
        foreach (var node in nodes.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }
        return components;
    }
}
