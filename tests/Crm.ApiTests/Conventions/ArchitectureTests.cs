using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Crm.ApiTests.Conventions;

/// <summary>
/// The feature folders of the service depend on each other in one direction only: a cycle between two
/// features (customers using contacts while contacts use customers) fails here, naming one reference of
/// each step. Read from the compiled assembly, so every use counts: signatures, attributes, method bodies.
/// </summary>
public sealed class ArchitectureTests
{
    private const string Root = "Crm.Functions";

    [Fact]
    public void No_feature_namespaces_depend_on_each_other_in_a_cycle()
    {
        var graph = FeatureGraph(typeof(Crm.Functions.Web.ProblemCodes).Assembly.Location);
        var cycles = StronglyConnected(graph.Keys, f => graph[f].Keys).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, string.Join("\n", cycles.Select(c => Describe(c, graph))));
    }

    [Fact]
    public void The_check_sees_a_cycle_in_method_bodies()
    {
        // The graph of this very test assembly, where two fixtures below use each other only inside method bodies.
        var graph = FeatureGraph(typeof(ArchitectureTests).Assembly.Location, "Crm.ApiTests.Conventions.Cycle");

        var cycle = Assert.Single(StronglyConnected(graph.Keys, f => graph[f].Keys), c => c.Count > 1);
        Assert.Equal(["A", "B"], cycle.Order(StringComparer.Ordinal));
    }

    /// <summary>Feature → features it uses → one example "type uses type" for the message.</summary>
    private static Dictionary<string, Dictionary<string, string>> FeatureGraph(string assemblyPath, string root = Root)
    {
        using var module = ModuleDefinition.ReadModule(assemblyPath);
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var type in module.GetTypes())
        {
            if (FeatureOf(type, root) is not { } from)
            {
                continue;
            }
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new(StringComparer.Ordinal);
            foreach (var used in Uses(type).Select(t => t.Resolve()).OfType<TypeDefinition>().Where(t => t.Module == module))
            {
                if (FeatureOf(used, root) is { } to && to != from)
                {
                    edges.TryAdd(to, $"{Outermost(type).FullName} uses {Outermost(used).FullName}");
                    graph.TryAdd(to, new(StringComparer.Ordinal));
                }
            }
        }
        return graph;
    }

    /// <summary>The first namespace segment under the root (<c>Crm.Functions.Customers</c> → Customers); the root itself is the host, above every feature.</summary>
    private static string? FeatureOf(TypeDefinition type, string root)
    {
        var ns = Outermost(type).Namespace;
        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Split('.')[0] : null;
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
