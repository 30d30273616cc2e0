// Lists the recipes the backend serves.
fetch('/api/recipes')
  .then((response) => response.json())
  .then((recipes) => {
    const list = document.getElementById('recipes');
    for (const recipe of recipes) {
      const item = document.createElement('li');
      item.textContent = recipe.name;
      list.appendChild(item);
    }
  });
